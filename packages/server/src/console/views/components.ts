import { html, type SafeHtml } from '../../views/html.js';
import { CSRF_FIELD } from '../http/csrf.js';

/** A form that changes state: POST, with the CSRF token. */
export function postForm(input: {
  action: string;
  csrf: string;
  body: SafeHtml;
  label?: string;
}): SafeHtml {
  return html`<form method="post" action="${input.action}"${input.label ? html` aria-label="${input.label}"` : ''}>
<input type="hidden" name="${CSRF_FIELD}" value="${input.csrf}">
${input.body}
</form>`;
}

/** A one-button action form (disable, delete, revoke...). */
export function actionButton(input: {
  action: string;
  csrf: string;
  text: string;
  style?: 'danger' | 'secondary';
  small?: boolean;
  hidden?: SafeHtml;
}): SafeHtml {
  const classes = [input.style ?? '', input.small ? 'small' : ''].filter(Boolean).join(' ');
  return postForm({
    action: input.action,
    csrf: input.csrf,
    body: html`${input.hidden ?? ''}<button type="submit"${classes ? html` class="${classes}"` : ''}>${input.text}</button>`,
  });
}

/** A value shown once, with a copy button that appears when scripts run. */
export function secretValue(id: string, label: string, value: string): SafeHtml {
  return html`<label for="${id}">${label}</label>
<div class="secret"><code id="${id}">${value}</code><button type="button" class="secondary small" data-copy="${id}" hidden>Copy</button></div>`;
}

export function codeBlock(id: string, label: string, code: string): SafeHtml {
  return html`<div class="actions"><strong>${label}</strong><button type="button" class="secondary small" data-copy="${id}" hidden>Copy</button></div>
<pre id="${id}">${code}</pre>`;
}

export function notice(text: string | undefined, tone: 'info' | 'bad' | 'warn' = 'info'): SafeHtml {
  if (!text) return html``;
  return html`<div class="notice${tone === 'info' ? '' : ` ${tone}`}" role="${tone === 'bad' ? 'alert' : 'status'}">${text}</div>`;
}

export function statusPill(disabled: boolean): SafeHtml {
  return disabled
    ? html`<span class="pill bad">disabled</span>`
    : html`<span class="pill ok">active</span>`;
}

export function when(date: Date | string | null | undefined): SafeHtml {
  if (!date) return html`—`;
  const d = new Date(date);
  return html`<time datetime="${d.toISOString()}">${d.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;
}
