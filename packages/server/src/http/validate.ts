import type { z } from 'zod';
import { oauthError } from '../errors.js';
import type { Params } from './params.js';

/**
 * Validates parameters against a zod schema. The error names the parameter and the rule,
 * never the value, so secrets sent in the wrong field are not echoed back.
 */
export function parseParams<Schema extends z.ZodType>(
  schema: Schema,
  params: Params,
): z.output<Schema> {
  const result = schema.safeParse(Object.fromEntries(params));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.join('.') || 'request';
  const missing = issue?.code === 'invalid_type' && !params.has(name);
  throw oauthError.invalidRequest(
    missing ? `Parameter "${name}" is required.` : `Parameter "${name}" is invalid.`,
  );
}
