import { z } from 'zod';
import { listAgents, listClients, listUsers } from '../operations/inventory.js';
import { operatorApis } from '../storage/resource-server-store.js';
import { type Column, defineCommand, type OptionSpec } from './command.js';
import { optional } from './command-line.js';

/**
 * `user list`, `agent list`, `client list`: every owner's objects, as a table or (--json)
 * as a JSON array.
 */
const column = (header: string, value: (row: Record<string, unknown>) => unknown): Column => ({
  header,
  value: (row) => String(value(row) ?? ''),
});

const when = (row: Record<string, unknown>) =>
  new Date(String(row.created_at)).toISOString().slice(0, 16).replace('T', ' ');

const status = (row: Record<string, unknown>) =>
  [row.disabled ? 'disabled' : 'active', row.locked ? 'locked' : ''].filter(Boolean).join(', ');

const ownerFilter: Record<string, OptionSpec> = {
  owner: { type: 'string', value: 'EMAIL', help: 'Only those this account owns.' },
};
const byOwner = z.object({ ownerEmail: z.string().optional() });

export const userList = defineCommand({
  name: 'user list',
  summary: 'List console accounts',
  details: 'Columns: email, role, status, whether the email is verified, what each owns.',
  table: [
    column('EMAIL', (r) => r.email),
    column('ROLE', (r) => r.role),
    column('STATUS', status),
    column('VERIFIED', (r) => (r.email_verified ? 'yes' : 'no')),
    column('AGENTS', (r) => r.agent_count),
    column('WEBSITES', (r) => r.client_count),
    column('CREATED (UTC)', when),
  ],
  input: z.object({}),
  prepare: () => ({}),
  step: async ({ db }) => ({ result: await listUsers(db) }),
});

export const agentList = defineCommand({
  name: 'agent list',
  summary: 'List agents, with lock state',
  options: ownerFilter,
  details:
    '"locked" means some address is locked out of the agent now: `agent unlock ID` clears it.',
  table: [
    column('AGENT_ID', (r) => r.agent_id),
    column('NAME', (r) => r.label),
    column('EMAIL WEBSITES RECEIVE', (r) => r.user_email),
    column('OWNER', (r) => r.owner_email),
    column('STATUS', status),
    column('CREATED (UTC)', when),
  ],
  input: byOwner,
  prepare: (line) => ({ ownerEmail: optional(line, 'owner') }),
  step: async ({ db }, input) => ({ result: await listAgents(db, input.ownerEmail) }),
});

export const apiList = defineCommand({
  name: 'api list',
  summary: 'List APIs (resource servers), with lock state',
  options: ownerFilter,
  table: [
    column('API_ID', (r) => r.api_id),
    column('IDENTIFIER', (r) => r.identifier),
    column('NAME', (r) => r.name),
    column('SCOPES', (r) => (r.scopes as string[]).join(' ')),
    column('OWNER', (r) => r.owner_email),
    column('STATUS', status),
    column('CREATED (UTC)', when),
  ],
  input: byOwner,
  prepare: (line) => ({ ownerEmail: optional(line, 'owner') }),
  step: async ({ db }, input) => ({ result: await operatorApis(db, input.ownerEmail) }),
});

export const clientList = defineCommand({
  name: 'client list',
  summary: 'List websites (OAuth clients), with lock state',
  options: ownerFilter,
  table: [
    column('CLIENT_ID', (r) => r.client_id),
    column('NAME', (r) => r.name),
    column('TYPE', (r) => (r.public ? 'public' : 'confidential')),
    column('OWNER', (r) => r.owner_email ?? '(none: registered itself)'),
    column('STATUS', status),
    column('REDIRECT URIS', (r) => (r.redirect_uris as string[]).join(' ')),
    column('CREATED (UTC)', when),
  ],
  input: byOwner,
  prepare: (line) => ({ ownerEmail: optional(line, 'owner') }),
  step: async ({ db }, input) => ({ result: await listClients(db, input.ownerEmail) }),
});
