import type { Context } from 'hono';
import { ConsoleError, consoleError } from './errors.js';

export type Form = ReadonlyMap<string, string>;

const MAX_FIELD = 8192;

/** Reads an HTML form post (application/x-www-form-urlencoded); repeated fields are refused. */
export async function readForm(c: Context): Promise<Form> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new ConsoleError(415, 'Unsupported form', 'Send the form as a normal HTML form post.');
  }
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(await c.req.text())) {
    if (fields.has(name)) throw consoleError.badRequest(`The field "${name}" was sent twice.`);
    if (value.length > MAX_FIELD) throw consoleError.badRequest(`The field "${name}" is too long.`);
    fields.set(name, value);
  }
  return fields;
}

export function field(form: Form, name: string): string {
  return (form.get(name) ?? '').trim();
}
