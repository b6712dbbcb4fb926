import { html, type SafeHtml } from '../../views/html.js';
import type { AgentApi } from '../queries/allowed-apis.js';
import { postForm } from './components.js';

/** The form field that ticks one API: one field per API, since a form repeats no field. */
export const API_FIELD_PREFIX = 'api:';

/** The "Which APIs it may use" card of an agent's page. */
export function allowedApisCard(base: string, csrf: string, apis: AgentApi[]): SafeHtml {
  const allowed = apis.filter((a) => a.allowed);
  const summary =
    allowed.length === 0
      ? 'Any API.'
      : 'Only the APIs ticked below; a sign-in or token for any other API is refused.';
  if (apis.length === 0)
    return html`<section class="card" aria-labelledby="apis-h"><h2 id="apis-h">Which APIs it may use</h2>
<p>${summary} <span class="muted">Register an API to limit the agent to some of yours.</span></p></section>`;
  return html`<section class="card" aria-labelledby="apis-h"><h2 id="apis-h">Which APIs it may use</h2>
<p>${summary}</p>
${postForm({
  action: `${base}/apis`,
  csrf,
  body: html`<fieldset><legend>Allowed APIs <span class="hint">none ticked allows any API</span></legend>
${apis.map(
  (a) =>
    html`<label><input type="checkbox" name="${API_FIELD_PREFIX}${a.api_id}" value="on"${a.allowed ? html` checked` : ''}> ${a.name} <code>${a.identifier}</code></label>`,
)}</fieldset>
<button type="submit" class="secondary">Save allowed APIs</button>`,
})}</section>`;
}
