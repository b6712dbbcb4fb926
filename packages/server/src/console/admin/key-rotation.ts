import { requestOf } from '../../http/request-context.js';
import { rotateKeys } from '../../operations/incident-response.js';
import { html, type SafeHtml } from '../../views/html.js';
import type { ConsoleDeps } from '../deps.js';
import { action, asSession } from '../http/handlers.js';
import { actionButton, when } from '../views/components.js';
import { seeOther } from '../views/shell.js';
import { requireAdmin } from './guard.js';

/**
 * POST /console/admin/keys/rotate and /keys/rotate-emergency: the `keys rotate` of the CLI
 * (operations/incident-response.ts), with the signed-in admin as the actor. This server's
 * key ring reads the keys again at once; other instances within seconds.
 */
export function adminRotateKeysAction(deps: ConsoleDeps, emergency: boolean) {
  return action(deps, async (c, session) => {
    requireAdmin(session);
    const { ctx } = deps;
    const { event } = await asSession(deps, session, (tx) =>
      rotateKeys(tx, ctx.config, ctx.secrets, emergency, 'admin'),
    );
    ctx.security.record(
      {
        ...event,
        actor: { type: 'user', id: session.userId },
        userId: session.userId,
      },
      requestOf(c),
    );
    await ctx.keys.reload();
    return seeOther(c, '/console/admin', emergency ? 'key-rotated-emergency' : 'key-rotated');
  });
}

const STATES = { signing: 'signs now', next: 'signs from', retiring: 'retired' } as const;

/** The admin page's card: the published keys and the two rotations. */
export async function signingKeysCard(deps: ConsoleDeps, csrf: string): Promise<SafeHtml> {
  const keys = await deps.ctx.keys.describe();
  const rows = keys.map(
    (k) =>
      html`<tr><td data-label="Key id"><code class="id">${k.kid}</code></td><td data-label="Algorithm">${k.alg}</td><td data-label="State">${STATES[k.state]}${k.state === 'next' ? html` ${when(k.activatesAt)}` : ''}</td><td data-label="Published until">${k.withdrawAt ? when(k.withdrawAt) : 'until replaced'}</td></tr>`,
  );
  return html`<section class="card" aria-labelledby="keys-h"><h2 id="keys-h">Signing keys</h2>
<p>Rotating publishes the next key at <code>/.well-known/jwks.json</code> now; it signs after ${String(deps.ctx.config.signingKeyActivationDelay)} seconds, and the current key stays published until the tokens it signed have expired. An emergency rotation signs with the new key at once, withdraws every other key and revokes every token.</p>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Key id</th><th scope="col">Algorithm</th><th scope="col">State</th><th scope="col">Published until</th></tr></thead><tbody>${rows}</tbody></table></div>
<div class="actions">${actionButton({ action: '/console/admin/keys/rotate', csrf, text: 'Rotate signing key', style: 'secondary' })}
${actionButton({ action: '/console/admin/keys/rotate-emergency', csrf, text: 'Emergency rotation', style: 'danger' })}</div></section>`;
}
