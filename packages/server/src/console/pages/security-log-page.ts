import type { Context } from 'hono';
import { SECURITY_EVENTS, SECURITY_OUTCOMES } from '../../security/events.js';
import { html, type SafeHtml } from '../../views/html.js';
import type { NamedEvent } from '../queries/event-names.js';
import { notice, postForm } from '../views/components.js';
import { doneNotice } from '../views/notices.js';

function select(name: string, options: readonly string[], chosen: string | undefined): SafeHtml {
  return html`<select name="${name}"><option value="">any</option>${options.map(
    (o) => html`<option value="${o}"${o === chosen ? html` selected` : ''}>${o}</option>`,
  )}</select>`;
}

/** "agent Helper" over its id: the name where the reader may see it, the id always. */
function party(type: string | null, id: string | null, name: string | null): SafeHtml {
  if (!type) return html``;
  return html`<span class="muted">${type}</span>${name ? html` <strong>${name}</strong>` : ''}${id ? html`<br><code>${id}</code>` : ''}`;
}

/** One entry; each cell's content is one element, so a phone shows it beside its label. */
function row(e: NamedEvent): SafeHtml {
  const details = Object.entries(e.details).map(([key, value]) => `${key}=${String(value)}`);
  return html`<tr>
<td data-label="Time"><div><time datetime="${e.occurredAt.toISOString()}">${e.occurredAt.toISOString().slice(0, 19).replace('T', ' ')}</time></div></td>
<td data-label="Event"><div>${e.event}<br><span class="outcome-${e.outcome}">${e.outcome}</span></div></td>
<td data-label="Who"><div>${party(e.actorType, e.actorId, e.actorName)}</div></td>
<td data-label="About"><div>${party(e.targetType, e.targetId, e.targetName)}</div></td>
<td data-label="From"><div>${e.ip ?? ''}</div></td>
<td data-label="Details"><div>${details.join(' ')}${e.requestId ? html`<br><span class="muted">request</span> <code>${e.requestId}</code>` : ''}</div></td></tr>`;
}

function query(filters: Record<string, string>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...filters, ...extra });
  params.delete('before');
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function pager(filters: Record<string, string>, events: NamedEvent[], limit: number): SafeHtml {
  const last = events.at(-1);
  const newer = filters.before
    ? html`<a href="/console/security${query(filters)}">Newest entries</a>`
    : '';
  const older =
    last && events.length >= limit
      ? html`<a href="/console/security${query(filters, { before: String(last.id) })}" rel="next">Older entries</a>`
      : '';
  return newer || older
    ? html`<nav class="actions pager" aria-label="Pages">${newer}${older}</nav>`
    : html``;
}

/** The security-log page's body: filters, export links, entries, paging, and the unlock form. */
export function securityLogBody(input: {
  c: Context;
  csrf: string;
  isAdmin: boolean;
  filters: Record<string, string>;
  invalid: string[];
  events: NamedEvent[];
  limit: number;
}): SafeHtml {
  const f = input.filters;
  const exportQuery = query(f);
  return html`<h1>Security log</h1>${notice(doneNotice(input.c))}
${notice(input.invalid.length ? `Ignored filters that are not valid: ${input.invalid.join(', ')}.` : undefined, 'bad')}
<div class="card">
<p class="muted">${input.isAdmin ? 'All entries (admin).' : 'Entries about your agents, websites and account.'} Newest first; times in UTC.</p>
<form class="filters" method="get" action="/console/security">
<label>Event ${select('event', SECURITY_EVENTS, f.event)}</label>
<label>Outcome ${select('outcome', SECURITY_OUTCOMES, f.outcome)}</label>
<label>Agent, client or user id <input type="text" name="subject" value="${f.subject ?? ''}" maxlength="320"></label>
<label>IP <input type="text" name="ip" value="${f.ip ?? ''}" maxlength="64"></label>
<label>Since <input type="datetime-local" name="since" value="${f.since ?? ''}"></label>
<label>Until <input type="datetime-local" name="until" value="${f.until ?? ''}"></label>
<div class="actions"><button type="submit">Filter</button><a href="/console/security">Clear</a></div>
</form>
<div class="actions log-tools"><span>${String(input.events.length)} ${input.events.length === 1 ? 'entry' : 'entries'}</span>
<a href="/console/security/events.csv${exportQuery}" download>Export CSV</a><a href="/console/security/events${exportQuery}">Export JSON</a></div>
${
  input.events.length === 0
    ? html`<p class="empty">No entries match.</p>`
    : html`<table class="log"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">Who</th><th scope="col">About</th><th scope="col">From</th><th scope="col">Details</th></tr></thead>
<tbody>${input.events.map(row)}</tbody></table>`
}
${pager(f, input.events, input.limit)}
</div>
<section class="card" aria-labelledby="unlock-h"><h2 id="unlock-h">Unlock</h2>
<p class="muted">Agents and websites also have an Unlock button on their own page.</p>
${postForm({
  action: '/console/security/unlock',
  csrf: input.csrf,
  body: html`<label for="unlock-subject">Kind</label><select id="unlock-subject" name="subject"><option value="agent">agent</option><option value="client">client (website)</option><option value="user">account (email)</option></select>
<label for="unlock-id">Id or email</label><input id="unlock-id" type="text" name="id" required maxlength="320">
<button type="submit">Unlock</button>`,
})}</section>`;
}
