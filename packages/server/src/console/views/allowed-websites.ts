import { html, type SafeHtml } from '../../views/html.js';
import type { AllowedWebsite } from '../queries/allowed-websites.js';
import { postForm } from './components.js';

/** The "Where it may sign in" card of an agent's page. */
export function allowedWebsitesCard(
  base: string,
  csrf: string,
  websites: AllowedWebsite[],
): SafeHtml {
  return html`<section class="card" aria-labelledby="allowed-h"><h2 id="allowed-h">Where it may sign in</h2>
<p>${websites.length === 0 ? 'Any website.' : html`Only these websites; a sign-in anywhere else is refused (access_denied):`}</p>
${websites.length ? html`<ul>${websites.map((w) => html`<li>${w.name} <code>${w.client_id}</code></li>`)}</ul>` : ''}
${postForm({
  action: `${base}/websites`,
  csrf,
  body: html`<label for="allowed-clients">Allowed websites <span class="hint">their client_id, one per line; empty allows any website</span></label>
<textarea id="allowed-clients" name="client_ids">${websites.map((w) => w.client_id).join('\n')}</textarea>
<button type="submit" class="secondary">Save allowed websites</button>`,
})}</section>`;
}
