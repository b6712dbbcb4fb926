import { html, type SafeHtml } from '../../views/html.js';
import type { NoticeSettings } from '../queries/sign-in-notifications.js';
import { postForm } from './components.js';

function mailHint(s: NoticeSettings): SafeHtml {
  return s.ownerEmailVerified
    ? html`to <strong>${s.ownerEmail}</strong>`
    : html`to <strong>${s.ownerEmail}</strong>, once that address is verified (it is not yet, so no mail is sent)`;
}

/** The "When it signs in somewhere new" card of an agent's page. */
export function signInNoticesCard(base: string, csrf: string, s: NoticeSettings): SafeHtml {
  const checked = (on: boolean) => (on ? html` checked` : '');
  return html`<section class="card" aria-labelledby="notices-h"><h2 id="notices-h">When it signs in somewhere new</h2>
<p>Be told the first time this agent signs in to a website (or, for a website, to an API it names): the agent, the website, the time and the address it signed in from. Every first sign-in is also in the security log.</p>
${postForm({
  action: `${base}/notifications`,
  csrf,
  body: html`<label><input type="checkbox" name="notify_mail" value="on"${checked(s.notifyMail)}> Mail me <span class="hint">${mailHint(s)}</span></label>
<label for="notice-webhook">Webhook URL <span class="hint">https; empty for none. Each POST is signed: X-Auth-Agent-Signature is t=&lt;time&gt;,v1=&lt;HMAC-SHA256 of "t.body"&gt; under a secret shown once when the URL is saved</span></label>
<input id="notice-webhook" name="webhook_url" type="url" maxlength="2048" value="${s.webhookUrl ?? ''}" placeholder="https://hooks.example.com/auth-agent">
${s.webhookUrl ? html`<label><input type="checkbox" name="rotate_secret" value="on"> Make a new signing secret <span class="hint">the old one stops at once</span></label>` : ''}
<button type="submit" class="secondary">Save notifications</button>`,
})}</section>`;
}
