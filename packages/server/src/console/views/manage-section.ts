import { html, type SafeHtml } from '../../views/html.js';
import { actionButton } from './components.js';

/**
 * The "Manage" card shared by agent and website pages: rotate the secret (when there is
 * one), disable or enable, delete. Only the nouns and explanations differ. Rotate and delete
 * are links to their confirmation pages (views/confirm.ts).
 */
export function manageSection(input: {
  base: string;
  csrf: string;
  noun: string;
  disabled: boolean;
  rotate?: { text: string; explanation: string; extra?: SafeHtml | undefined } | undefined;
  disabledText: { enable: string; disable: string };
  deleteText: string;
}): SafeHtml {
  const { base, csrf, noun, disabled } = input;
  return html`<section class="card" aria-labelledby="manage-h"><h2 id="manage-h">Manage</h2>
${input.rotate ? html`<p>${input.rotate.explanation}</p>${input.rotate.extra ?? ''}<p><a class="button secondary" href="${base}/rotate">${input.rotate.text}</a></p>` : ''}
<p>${disabled ? input.disabledText.enable : input.disabledText.disable}</p>
${actionButton({ action: `${base}/${disabled ? 'enable' : 'disable'}`, csrf, text: `${disabled ? 'Enable' : 'Disable'} ${noun}`, style: 'secondary' })}
<p>${input.deleteText}</p>
<p><a class="button danger" href="${base}/delete">Delete ${noun}</a></p>
</section>`;
}
