import { isEmail, normalizeEmail } from '../../accounts/email.js';
import { html, type SafeHtml } from '../../views/html.js';
import { type Form, field } from '../http/form.js';

export interface AgentProfile {
  label: string | null;
  userEmail: string;
  userName: string | null;
}

/** Validates the agent profile fields; returns the profile or a message for the form. */
export function readAgentProfile(form: Form): AgentProfile | string {
  const label = field(form, 'label');
  const userEmail = field(form, 'user_email');
  const userName = field(form, 'user_name');
  if (label.length > 100) return 'The agent name must be at most 100 characters.';
  if (!isEmail(normalizeEmail(userEmail)))
    return 'Enter a valid email address for the person the agent acts for.';
  if (userName.length > 200) return 'The name must be at most 200 characters.';
  if (/\p{Cc}/u.test(label + userName)) return 'Names must not contain control characters.';
  return { label: label || null, userEmail, userName: userName || null };
}

export function agentProfileFields(values: {
  label: string | null;
  userEmail: string;
  userName: string | null;
}): SafeHtml {
  return html`<label for="label">Agent name <span class="hint">for you only, e.g. "Research assistant"</span></label>
<input id="label" name="label" type="text" maxlength="100" value="${values.label ?? ''}">
<label for="user_email">Email websites receive <span class="hint">the person the agent acts for</span></label>
<input id="user_email" name="user_email" type="email" required value="${values.userEmail}">
<label for="user_name">Name websites receive <span class="hint">optional</span></label>
<input id="user_name" name="user_name" type="text" maxlength="200" value="${values.userName ?? ''}">`;
}
