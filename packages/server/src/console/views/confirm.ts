import type { Context } from 'hono';
import { html, type SafeHtml } from '../../views/html.js';
import type { Form } from '../http/form.js';
import type { ConsoleSession } from '../session/sessions.js';
import { postForm } from './components.js';
import { encodedPath, page, type Section, seeOther } from './shell.js';

/**
 * Destructive actions (delete, rotate a secret, revoke everything) are two steps: GET on the
 * action's URL shows what will break, with a form that posts `confirm=yes` back to it. A post
 * without that field changes nothing and is sent to the confirmation page (no JavaScript
 * needed, and a forged or stray one-click post cannot destroy anything).
 */
export function confirmed(form: Form): boolean {
  return form.get('confirm') === 'yes';
}

/** The answer to a destructive post that was not confirmed: 303 to its confirmation page. */
export function toConfirmation(c: Context): Response {
  return seeOther(c, encodedPath(c));
}

export function confirmPage(
  c: Context,
  input: {
    session: ConsoleSession;
    csrf: string;
    section: Section;
    heading: string;
    /** What breaks, one consequence per item. */
    consequences: SafeHtml[];
    button: string;
    cancel: string;
    /** Extra fields (choices) of the confirming form. */
    fields?: SafeHtml;
  },
): Response {
  return page(c, {
    title: input.heading,
    session: input.session,
    section: input.section,
    body: html`<div class="narrow"><div class="card" data-confirm><h1>${input.heading}</h1>
<p>This will:</p><ul class="consequences">${input.consequences.map((item) => html`<li>${item}</li>`)}</ul>
${postForm({
  action: encodedPath(c),
  csrf: input.csrf,
  body: html`<input type="hidden" name="confirm" value="yes">${input.fields ?? ''}
<div class="actions"><button type="submit" class="danger">${input.button}</button><a href="${input.cancel}">Cancel</a></div>`,
})}</div></div>`,
  });
}
