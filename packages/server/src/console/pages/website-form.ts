import { redirectUriProblem } from '../../oauth/redirect-uri.js';
import { html, type SafeHtml } from '../../views/html.js';
import { type Form, field } from '../http/form.js';

export interface WebsiteInput {
  name: string;
  redirectUris: string[];
}

/**
 * Validates a website's name and redirect URIs (one per line) with the registration rules
 * of oauth/redirect-uri.ts: https, or http only on loopback; no fragment, no wildcard.
 */
export function readWebsite(form: Form): WebsiteInput | string {
  const name = field(form, 'name');
  if (name.length === 0 || name.length > 200) return 'The name must be 1 to 200 characters.';
  if (/\p{Cc}/u.test(name)) return 'The name must not contain control characters.';
  const redirectUris = [
    ...new Set(
      (form.get('redirect_uris') ?? '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
    ),
  ];
  if (redirectUris.length === 0 || redirectUris.length > 20)
    return 'Give 1 to 20 redirect URIs, one per line.';
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) return `The redirect URI ${uri} ${problem}.`;
  }
  return { name, redirectUris };
}

export function websiteFields(values: { name: string; redirectUris: string }): SafeHtml {
  return html`<label for="name">Website name <span class="hint">shown to agents on the sign-in page</span></label>
<input id="name" name="name" type="text" maxlength="200" required value="${values.name}">
<label for="redirect_uris">Redirect URIs <span class="hint">one per line; https (http only for localhost); matched exactly</span></label>
<textarea id="redirect_uris" name="redirect_uris" required>${values.redirectUris}</textarea>`;
}
