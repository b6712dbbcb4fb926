import { z } from 'zod';
import { provisionApi, rotateApiSecret } from '../accounts/api-provisioning.js';
import { deleteApi } from '../operations/inventory.js';
import type { SecurityEventInput } from '../security/events.js';
import { defineCommand } from './command.js';
import { positional, required } from './command-line.js';

/**
 * `api create`, `api delete`, `api rotate-secret` (`api list` is with the other lists): APIs (resource servers,
 * docs/resource-servers.md), on the operator's connection like the other kinds. Each change
 * writes a security event with the CLI as actor.
 */
const apiEvent = (
  event: 'admin.action' | 'admin.secret_rotated',
  id: string,
  action?: string,
): SecurityEventInput => ({
  event,
  outcome: 'success',
  target: { type: 'api', id },
  ...(action ? { details: { action } } : {}),
});

export const apiCreate = defineCommand({
  name: 'api create',
  summary: 'Register an API (resource server); prints its api_id and api_secret once',
  options: {
    owner: {
      type: 'string',
      value: 'EMAIL',
      required: true,
      help: 'The account that owns and manages the API.',
    },
    identifier: {
      type: 'string',
      value: 'URI',
      required: true,
      help: 'The resource URI clients send as `resource` (RFC 8707) and tokens carry as `aud`; for an MCP server, its URL.',
    },
    name: { type: 'string', value: 'NAME', required: true, help: 'The API’s name.' },
    scope: {
      type: 'string',
      value: 'NAME',
      multiple: true,
      help: 'A scope the API defines (not openid, profile, email); repeat for several, up to 50.',
    },
  },
  details:
    'Tokens asked for with resource=URI have aud=URI and only these scopes (plus the OpenID Connect ones). The api_id and api_secret let the API introspect the tokens addressed to it.',
  input: z.object({
    ownerEmail: z.string(),
    identifier: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
  }),
  prepare: (line) => ({
    ownerEmail: required(line, 'owner'),
    identifier: required(line, 'identifier'),
    name: required(line, 'name'),
    scopes: (line.values.scope as string[] | undefined) ?? [],
  }),
  async step({ db, config }, input) {
    const api = await provisionApi(db, { ...input, iterations: config.pbkdf2Iterations });
    return { result: api, event: apiEvent('admin.action', api.api_id, 'create') };
  },
});

export const apiDelete = defineCommand({
  name: 'api delete',
  summary: 'Delete an API (resource server)',
  positional: { name: 'ID', help: 'The api_id.' },
  details:
    'Tokens can no longer be asked for with its identifier (invalid_target), and it can no longer introspect.',
  input: z.object({ id: z.string().min(1) }),
  prepare: (line) => ({ id: positional(line) }),
  step: ({ db }, input) => deleteApi(db, input.id),
});

export const apiRotateSecret = defineCommand({
  name: 'api rotate-secret',
  summary: 'New API secret, printed once; the old one stops working at once',
  positional: { name: 'ID', help: 'The api_id.' },
  details: 'The API cannot introspect until it has the new api_secret.',
  input: z.object({ id: z.string().min(1) }),
  prepare: (line) => ({ id: positional(line) }),
  async step({ db, config }, input) {
    const rotated = await rotateApiSecret(db, {
      apiId: input.id,
      iterations: config.pbkdf2Iterations,
    });
    return { result: rotated, event: apiEvent('admin.secret_rotated', input.id) };
  },
});
