import type { ServerContext } from '../server-context.js';
import type { SecurityEvents } from './events.js';
import type { Mailer } from './mail/mailer.js';

export interface ConsoleOptions {
  /** Where security-relevant console events go; see events.ts. */
  events?: SecurityEvents;
  /** Overrides the mailer chosen from SMTP_URL (tests). */
  mailer?: Mailer;
}

/** Everything a console page or action may use. */
export interface ConsoleDeps {
  readonly ctx: ServerContext;
  readonly events: SecurityEvents;
  readonly mailer: Mailer;
}
