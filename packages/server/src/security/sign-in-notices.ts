import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { FetchFailure } from '../clients/outbound/outbound-fetch.js';
import {
  guardedPost,
  type PostPolicy,
  postTargetProblem,
} from '../clients/outbound/outbound-post.js';
import { randomToken } from '../crypto/random.js';
import { SealedBox } from '../crypto/sealed-box.js';
import type { RequestOrigin } from '../request-info.js';
import type { FirstSignIn } from '../storage/oauth-records.js';
import type { SecurityEventInput } from './events.js';
import {
  firstSignInEvent,
  noticeMail,
  noticePayload,
  signatureHeaders,
} from './sign-in-notice-content.js';
import { Deliveries, type DeliveryOptions, WebhookSender } from './webhook.js';

/** The console's mailer as the notices need it (console/mail/mailer.ts fits). */
export interface NoticeMailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

export interface SignInNoticeDeps {
  issuer: string;
  keyEncryptionKey: string;
  mailer: NoticeMailer;
  /** The outbound rules webhooks are posted under (SSRF guard, budget, test resolver). */
  policy: PostPolicy;
  record: (event: SecurityEventInput, request: RequestOrigin) => void;
  logger: Logger;
  /** Retries, backoff and the deadline of each attempt (tests shorten them). */
  delivery?: Partial<DeliveryOptions>;
}

const MAX_URL_LENGTH = 2048;
const PROBLEMS: Partial<Record<FetchFailure, string>> = {
  scheme: 'must be an https URL',
  forbidden_address:
    'must name a host with public addresses only (no private, loopback or link-local address)',
};

/**
 * Telling an owner that their agent signed in somewhere for the first time (the database
 * decides which sign-in is first, in the sign-in's own call). The security log gets the
 * event at once; the mail and the webhook go out detached from the sign-in, each attempt
 * bounded and retried with backoff (webhook.ts), so they never slow or fail it. Webhooks go
 * through the SSRF-guarded outbound POST and are signed (sign-in-notice-content.ts).
 */
export class SignInNotices {
  private readonly box: SealedBox;
  private readonly mails: Deliveries;
  private readonly webhooks: WebhookSender;

  constructor(private readonly deps: SignInNoticeDeps) {
    this.box = new SealedBox(deps.keyEncryptionKey, 'sign-in-notice-webhook-secret');
    const options = { retries: 4, logger: deps.logger, ...deps.delivery };
    this.mails = new Deliveries(options);
    this.webhooks = new WebhookSender('sign-in webhook', options, guardedPost(deps.policy));
  }

  /** A new webhook signing secret, and its sealed form for agentRef's row. */
  newSecret(agentRef: string): { secret: string; sealed: string } {
    const secret = `whsec_${randomToken(32)}`;
    return { secret, sealed: this.box.seal(Buffer.from(secret, 'utf8'), agentRef) };
  }

  /**
   * The webhook URL to store for what the owner typed (normalised, as it will be posted to),
   * or why it may not be one. Checked when saved; every delivery checks again.
   */
  async webhookUrl(raw: string): Promise<{ url: string } | { problem: string }> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { problem: 'The webhook URL is not a URL.' };
    }
    if (url.href.length > MAX_URL_LENGTH) return { problem: 'The webhook URL is too long.' };
    if (url.username || url.password || url.hash)
      return { problem: 'The webhook URL must have no user name, password or fragment.' };
    const problem = await postTargetProblem(this.deps.policy, url);
    if (!problem) return { url: url.href };
    return { problem: `The webhook URL ${PROBLEMS[problem] ?? 'could not be resolved'}.` };
  }

  /**
   * Records the first sign-in, made in `request`, and tells the owner as they asked (with
   * the agent's address when known); never throws or waits.
   */
  firstSignIn(first: FirstSignIn, request: RequestOrigin): void {
    const ip = request?.ip === 'unknown' ? undefined : request?.ip;
    const facts = { id: randomUUID(), issuer: this.deps.issuer, first, ip };
    const notified = [first.mailTo ? 'mail' : '', first.webhookUrl ? 'webhook' : ''];
    this.deps.record(firstSignInEvent(first, notified.filter(Boolean)), request);
    const { mailTo } = first;
    if (mailTo) {
      const message = noticeMail(facts, mailTo);
      this.mails.start('sign-in mail', () => this.deps.mailer.send(message));
    }
    if (first.webhookUrl && first.sealedWebhookSecret) {
      const secret = this.box.open(first.sealedWebhookSecret, first.agentRef);
      if (!secret) {
        this.deps.logger.error(
          { event: 'sign_in_notice.unsealable', agent_id: first.agentId },
          'sign-in webhook secret does not open under this KEY_ENCRYPTION_KEY; not sent',
        );
        return;
      }
      const body = JSON.stringify(noticePayload(facts));
      const headers = signatureHeaders(secret.toString('utf8'), body, facts.id);
      this.webhooks.send(first.webhookUrl, body, headers);
    }
  }

  /** Waits for the deliveries in flight (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([this.mails.flush(), this.webhooks.flush()]);
  }
}
