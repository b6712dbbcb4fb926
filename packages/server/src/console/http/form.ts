import type { Context } from 'hono';
import { normalizeEmail } from '../../accounts/email.js';
import { ConsoleError, consoleError } from './console-error.js';

export type Form = ReadonlyMap<string, string>;

const MAX_FIELD = 8192;

declare module 'hono' {
  interface ContextVariableMap {
    consoleForm: Promise<Form>;
  }
}

async function parseForm(c: Context): Promise<Form> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new ConsoleError(415, 'Unsupported form', 'Send the form as a normal HTML form post.');
  }
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(await c.req.text())) {
    const label = name.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
    if (fields.has(name)) throw consoleError.badRequest(`The field "${label}" was sent twice.`);
    if (value.length > MAX_FIELD)
      throw consoleError.badRequest(`The field "${label}" is too long.`);
    // PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database.
    if (value.includes('\u0000') || name.includes('\u0000'))
      throw consoleError.badRequest('A field contains a NUL character.');
    fields.set(name, value);
  }
  return fields;
}

/**
 * Reads an HTML form post (application/x-www-form-urlencoded), once per request: the rate
 * limiter reads the email from it before the page does. Repeated fields are refused.
 */
export function readForm(c: Context): Promise<Form> {
  let form = c.get('consoleForm');
  if (!form) {
    form = parseForm(c);
    c.set('consoleForm', form);
  }
  return form;
}

/** The form's email as an identity for the per-email rate limit (undefined if unreadable). */
export async function formEmail(c: Context): Promise<string | undefined> {
  try {
    return normalizeEmail(field(await readForm(c), 'email')) || undefined;
  } catch {
    return undefined;
  }
}

export function field(form: Form, name: string): string {
  return (form.get(name) ?? '').trim();
}
