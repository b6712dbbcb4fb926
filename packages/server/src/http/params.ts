import type { Context } from 'hono';
import { oauthError } from '../errors.js';

const MAX_PARAM_LENGTH = 4096;
const MAX_PARAMS = 50;

export type Params = ReadonlyMap<string, string>;

/** Parameter names are echoed in errors; keep them short and printable. */
const label = (name: string) => name.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);

/**
 * RFC 8707 §2: `resource` may be given more than once (each value one resource). The map
 * holds its first value; `repeatedValues` every value, in order.
 */
const REPEATABLE = new Set(['resource']);
const repeated = new WeakMap<Params, ReadonlyMap<string, readonly string[]>>();

/** Every value of a parameter that may repeat (REPEATABLE); [] when it was not sent. */
export function repeatedValues(params: Params, name: string): readonly string[] {
  return repeated.get(params)?.get(name) ?? [];
}

function fromPairs(pairs: Iterable<[string, unknown]>): Map<string, string> {
  const params = new Map<string, string>();
  const many = new Map<string, string[]>();
  repeated.set(params, many);
  let count = 0;
  for (const [name, value] of pairs) {
    // RFC 6749 §3.1 and §3.2: parameters MUST NOT be included more than once.
    if (params.has(name) && !REPEATABLE.has(name))
      throw oauthError.invalidRequest(`Parameter "${label(name)}" is repeated.`);
    if (typeof value !== 'string')
      throw oauthError.invalidRequest(`Parameter "${label(name)}" must be a string.`);
    if (value.length > MAX_PARAM_LENGTH)
      throw oauthError.invalidRequest(`Parameter "${label(name)}" is too long.`);
    // PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
    if (value.includes('\u0000') || name.includes('\u0000'))
      throw oauthError.invalidRequest('A parameter contains a NUL character.');
    if (++count > MAX_PARAMS) throw oauthError.invalidRequest('Too many parameters.');
    // Empty values are treated as omitted (RFC 6749 §3.1).
    if (value === '') continue;
    if (!params.has(name)) params.set(name, value);
    if (REPEATABLE.has(name)) many.set(name, [...(many.get(name) ?? []), value]);
  }
  return params;
}

export function queryParams(c: Context): Map<string, string> {
  return fromPairs(new URL(c.req.url).searchParams.entries());
}

/**
 * Reads a POST body as form data (RFC 6749 §4.1.3 requires
 * application/x-www-form-urlencoded) or, where `allowJson`, as a flat JSON object of strings.
 */
export async function bodyParams(
  c: Context,
  options: { allowJson: boolean; preferJson?: boolean },
): Promise<Map<string, string>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = await c.req.text();
  if (type === 'application/x-www-form-urlencoded')
    return fromPairs(new URLSearchParams(text).entries());
  if (type === 'application/json' && options.allowJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw oauthError.invalidRequest('The body is not valid JSON.');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw oauthError.invalidRequest('The JSON body must be an object.');
    }
    return fromPairs(Object.entries(parsed));
  }
  const accepted = options.allowJson
    ? options.preferJson
      ? 'application/json or application/x-www-form-urlencoded'
      : 'application/x-www-form-urlencoded or application/json'
    : 'application/x-www-form-urlencoded';
  throw oauthError.unsupportedMediaType(`Send the body as ${accepted}.`);
}

export function required(params: Params, name: string): string {
  const value = params.get(name);
  if (value === undefined) throw oauthError.invalidRequest(`Parameter "${name}" is required.`);
  return value;
}
