import type { Context } from 'hono';
import type { SecurityEventRow } from '../../security/event-queries.js';
import { SECURITY_EVENTS, SECURITY_OUTCOMES } from '../../security/events.js';
import { html, type SafeHtml } from '../../views/html.js';
import { notice, postForm } from '../views/components.js';
import { doneNotice } from '../views/notices.js';

function select(name: string, options: readonly string[], chosen: string | undefined): SafeHtml {
  return html`<select name="${name}"><option value="">any</option>${options.map(
    (o) => html`<option value="${o}"${o === chosen ? html` selected` : ''}>${o}</option>`,
  )}</select>`;
}

function row(e: SecurityEventRow): SafeHtml {
  const actor = e.actorId ? `${e.actorType} ${e.actorId}` : e.actorType;
  const target = e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '';
  return html`<tr>
<td>${e.occurredAt.toISOString()}</td><td>${e.event}</td>
<td class="outcome-${e.outcome}">${e.outcome}</td><td>${actor}</td><td>${target}</td>
<td>${e.ip ?? ''}</td><td><code>${e.requestId ?? ''}</code></td>
<td>${Object.entries(e.details)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ')}</td></tr>`;
}

/** The security-log page's body: filters, entries, and the unlock form. */
export function securityLogBody(input: {
  c: Context;
  csrf: string;
  isAdmin: boolean;
  filters: Record<string, string>;
  events: SecurityEventRow[];
}): SafeHtml {
  const f = input.filters;
  return html`<h1>Security log</h1>${notice(doneNotice(input.c))}
<div class="card">
<p class="muted">${input.isAdmin ? 'All entries (admin).' : 'Entries about your agents, websites and account.'}</p>
<form class="filters" method="get" action="/console/security">
<label>Event ${select('event', SECURITY_EVENTS, f.event)}</label>
<label>Outcome ${select('outcome', SECURITY_OUTCOMES, f.outcome)}</label>
<label>Agent, client or user id <input type="text" name="subject" value="${f.subject ?? ''}" maxlength="320"></label>
<label>IP <input type="text" name="ip" value="${f.ip ?? ''}" maxlength="64"></label>
<label>Since <input type="datetime-local" name="since" value="${f.since ?? ''}"></label>
<label>Until <input type="datetime-local" name="until" value="${f.until ?? ''}"></label>
<button type="submit">Filter</button>
</form>
<div class="table-wrap"><table><thead><tr><th>Time (UTC)</th><th>Event</th><th>Outcome</th><th>Actor</th><th>Target</th><th>IP</th><th>Request id</th><th>Details</th></tr></thead>
<tbody>${input.events.map(row)}</tbody></table></div>
${input.events.length === 0 ? html`<p class="muted">No entries match.</p>` : ''}
</div>
<section class="card" aria-labelledby="unlock-h"><h2 id="unlock-h">Unlock</h2>
${postForm({
  action: '/console/security/unlock',
  csrf: input.csrf,
  body: html`<label for="unlock-subject">Kind</label><select id="unlock-subject" name="subject"><option value="agent">agent</option><option value="client">client (website)</option><option value="user">account (email)</option></select>
<label for="unlock-id">Id or email</label><input id="unlock-id" type="text" name="id" required maxlength="320">
<button type="submit">Unlock</button>`,
})}</section>`;
}
