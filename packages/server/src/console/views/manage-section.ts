import { html, type SafeHtml } from '../../views/html.js';
import { actionButton } from './components.js';

/**
 * The "Manage" card shared by agent and website pages: rotate the secret (when there is
 * one), disable or enable, delete. Only the nouns and explanations differ.
 */
export function manageSection(input: {
  base: string;
  csrf: string;
  noun: string;
  disabled: boolean;
  rotate?: { text: string; explanation: string } | undefined;
  disabledText: { enable: string; disable: string };
  deleteText: string;
}): SafeHtml {
  const { base, csrf, noun, disabled } = input;
  return html`<section class="card" aria-labelledby="manage-h"><h2 id="manage-h">Manage</h2>
${input.rotate ? html`<p>${input.rotate.explanation}</p>${actionButton({ action: `${base}/rotate`, csrf, text: input.rotate.text, style: 'secondary' })}` : ''}
<p>${disabled ? input.disabledText.enable : input.disabledText.disable}</p>
${actionButton({ action: `${base}/${disabled ? 'enable' : 'disable'}`, csrf, text: `${disabled ? 'Enable' : 'Disable'} ${noun}`, style: 'secondary' })}
<p>${input.deleteText}</p>
${actionButton({ action: `${base}/delete`, csrf, text: `Delete ${noun}`, style: 'danger' })}
</section>`;
}
