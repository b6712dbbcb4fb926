import { html, type SafeHtml } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { asSession, csrfOf, view } from '../http/handlers.js';
import {
  type AdminObject,
  type AdminUser,
  listAllAgents,
  listAllClients,
  listUsers,
} from '../queries/admin.js';
import { actionButton, notice, statusPill, when } from '../views/components.js';
import { doneNotice } from '../views/notices.js';
import { page } from '../views/shell.js';
import { requireAdmin } from './guard.js';
import { signingKeysCard } from './key-rotation.js';

function toggle(kind: string, id: string, disabled: boolean, csrf: string): SafeHtml {
  return actionButton({
    action: `/console/admin/${kind}/${id}/${disabled ? 'enable' : 'disable'}`,
    csrf,
    text: disabled ? 'Enable' : 'Disable',
    style: disabled ? 'secondary' : 'danger',
    small: true,
  });
}

/** The links to each change's confirmation page (user-management.ts). */
function userChanges(u: AdminUser): SafeHtml {
  const link = (change: string, text: string) =>
    html`<a class="button secondary small" href="/console/admin/users/${u.id}/${change}">${text}</a>`;
  return html`${u.role === 'admin' ? link('demote', 'Make plain user') : link('promote', 'Make admin')}${link('delete', 'Delete')}`;
}

function usersTable(users: AdminUser[], selfId: string, csrf: string) {
  return html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Agents</th><th scope="col">Websites</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${users.map(
  (
    u,
  ) => html`<tr><td data-label="User"><span>${u.email}${u.id === selfId ? html` <span class="muted">(you)</span>` : ''}${u.email_verified ? '' : html` <span class="pill">unconfirmed</span>`}</span></td><td data-label="Role">${u.role}</td><td data-label="Agents">${String(u.agents)}</td><td data-label="Websites">${String(u.clients)}</td>
<td data-label="Status">${statusPill(u.disabled)}</td><td data-label="Created">${when(u.created_at)}</td><td data-label="Actions"><div class="actions">${u.id === selfId ? '' : toggle('users', u.id, u.disabled, csrf)}${userChanges(u)}</div></td></tr>`,
)}</tbody></table></div>`;
}

const UNOWNED: Record<string, string> = {
  dynamic: 'nobody: registered itself (RFC 7591)',
  metadata_document: 'nobody: metadata document',
};

/** The owner, or for a self-registered client how it came (an owner may claim it). */
function ownerCell(row: AdminObject): SafeHtml {
  if (row.owner_email !== null) return html`${row.owner_email}`;
  return html`<span class="muted">${UNOWNED[row.registration ?? ''] ?? 'nobody'}</span>`;
}

function objectsTable(kind: 'agents' | 'websites', rows: AdminObject[], csrf: string) {
  if (rows.length === 0) return html`<p class="empty">None yet.</p>`;
  const detail = kind === 'agents' ? '/console/agents' : '/console/websites';
  return html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Owner</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr><td data-label="Name"><a href="${detail}/${r.id}">${r.name}</a></td><td data-label="Id"><code class="id">${r.public_id}</code></td><td data-label="Owner">${ownerCell(r)}</td><td data-label="Status">${statusPill(r.disabled)}</td><td data-label="Created">${when(r.created_at)}</td><td data-label="Actions">${toggle(kind, r.id, r.disabled, csrf)}</td></tr>`,
)}</tbody></table></div>`;
}

/** GET /console/admin — every user, agent and website, across owners. */
export function adminView(deps: ConsoleDeps) {
  return view(async (c, session) => {
    requireAdmin(session);
    const csrf = csrfOf(session);
    const { users, agents, clients } = await asSession(deps, session, async (tx) => ({
      users: await listUsers(tx),
      agents: await listAllAgents(tx),
      clients: await listAllClients(tx),
    }));
    return page(c, {
      title: 'Admin',
      session,
      section: 'admin',
      body: html`<h1>Administration</h1>${notice(doneNotice(c))}
<section class="card" aria-labelledby="incident-h"><h2 id="incident-h">Incident response</h2>
<p>Revoke every refresh and access token of every agent and website. Agents must sign in again.</p>
<div class="actions"><a class="button danger" href="/console/admin/revoke-all">Revoke all tokens</a>
<a class="button secondary" href="/console/security">Security log</a></div></section>
${await signingKeysCard(deps, csrf)}
<section class="card" aria-labelledby="users-h"><h2 id="users-h">Users</h2>${usersTable(users, session.userId, csrf)}</section>
<section class="card" aria-labelledby="agents-h"><h2 id="agents-h">Agents</h2>${objectsTable('agents', agents, csrf)}</section>
<section class="card" aria-labelledby="sites-h"><h2 id="sites-h">Websites</h2>${objectsTable('websites', clients, csrf)}</section>`,
    });
  });
}
