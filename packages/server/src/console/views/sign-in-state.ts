import { html, type SafeHtml } from '../../views/html.js';
import type { SignInState } from '../queries/sign-in-state.js';
import { actionButton, when } from './components.js';

function lockLine(state: SignInState): SafeHtml {
  if (state.identityLockedUntil)
    return html`<span class="pill bad">locked</span> for every address it has not signed in from recently, until ${when(state.identityLockedUntil)}`;
  if (state.sourceLockedUntil)
    return html`<span class="pill bad">locked</span> for ${String(state.lockedSources)} ${state.lockedSources === 1 ? 'address' : 'addresses'}, until ${when(state.sourceLockedUntil)}`;
  return html`<span class="pill ok">not locked</span>`;
}

/**
 * The "Sign-in status" card of an agent's or website's page: lock state, recent failures,
 * last sign-in, and the unlock button (which clears every lock of this identity).
 */
export function signInStateCard(input: {
  state: SignInState;
  unlockAction: string;
  csrf: string;
}): SafeHtml {
  const { state } = input;
  const locked = state.identityLockedUntil !== null || state.sourceLockedUntil !== null;
  return html`<section class="card" aria-labelledby="signin-h" data-sign-in-state="${locked ? 'locked' : 'open'}"><h2 id="signin-h">Sign-in status</h2>
<dl><dt>Lock</dt><dd>${lockLine(state)}</dd>
<dt>Wrong secrets (24 h)</dt><dd>${String(state.recentFailures)}</dd>
<dt>Last sign-in</dt><dd>${when(state.lastSignIn)}</dd></dl>
${locked ? html`<p>Unlocking lets it sign in again from everywhere at once. If the failures were not yours, rotate the secret too.</p>${actionButton({ action: input.unlockAction, csrf: input.csrf, text: 'Unlock', style: 'secondary' })}` : ''}
</section>`;
}
