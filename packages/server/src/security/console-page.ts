import { html, SafeHtml } from '../views/html.js';
import { layout } from '../views/layout.js';
import type { SecurityEventRow } from './event-queries.js';
import { SECURITY_EVENTS, SECURITY_OUTCOMES } from './events.js';

const STYLE = `main{max-width:72rem}table{width:100%;border-collapse:collapse;font-size:.85rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid rgba(128,128,128,.25);vertical-align:top}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}form.filters label{display:flex;flex-direction:column;font-size:.8rem}
.outcome-failure,.outcome-denied,.outcome-alert{color:var(--bad);font-weight:600}.notice{margin:.75rem 0;padding:.5rem .75rem;border-radius:8px;background:rgba(51,70,211,.08)}`;

export interface SecurityPageInput {
  nonce: string;
  basePath: string;
  csrfToken: string;
  isAdmin: boolean;
  filters: Record<string, string>;
  events: SecurityEventRow[];
  notice?: string | undefined;
}

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

/** The console's security-log page: filters, entries, and the unlock form. */
export function securityLogPage(input: SecurityPageInput): string {
  const f = input.filters;
  const body = html`<div class="card">
<h1>Security log</h1>
<p class="muted">${input.isAdmin ? 'All entries (admin).' : 'Entries about your agents, websites and account.'}</p>
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
<form class="filters" method="get" action="${input.basePath}">
<label>Event ${select('event', SECURITY_EVENTS, f.event)}</label>
<label>Outcome ${select('outcome', SECURITY_OUTCOMES, f.outcome)}</label>
<label>Agent, client or user id <input name="subject" value="${f.subject ?? ''}" maxlength="320"></label>
<label>IP <input name="ip" value="${f.ip ?? ''}" maxlength="64"></label>
<label>Since <input type="datetime-local" name="since" value="${f.since ?? ''}"></label>
<label>Until <input type="datetime-local" name="until" value="${f.until ?? ''}"></label>
<button type="submit">Filter</button>
</form>
<table><thead><tr><th>Time (UTC)</th><th>Event</th><th>Outcome</th><th>Actor</th><th>Target</th><th>IP</th><th>Request id</th><th>Details</th></tr></thead>
<tbody>${input.events.map(row)}</tbody></table>
${input.events.length === 0 ? html`<p class="muted">No entries match.</p>` : ''}
<h2>Unlock</h2>
<form method="post" action="${input.basePath}/unlock">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<label>Kind <select name="subject"><option value="agent">agent</option><option value="client">client (website)</option><option value="user">account (email)</option></select></label>
<label>Id or email <input name="id" required maxlength="320"></label>
<button type="submit">Unlock</button>
</form></div>`;
  return layout({
    title: 'Security log · Auth Agent',
    nonce: input.nonce,
    head: html`<style nonce="${input.nonce}">${new SafeHtml(STYLE)}</style>`,
    body,
  });
}
