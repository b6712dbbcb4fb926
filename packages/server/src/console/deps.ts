import type { SecondFactor } from '../accounts/second-factor.js';
import type { ServerContext } from '../server-context.js';
import type { Mailer } from './mail/mailer.js';

export interface ConsoleOptions {
  /** Overrides the mailer chosen from SMTP_URL (tests). */
  mailer?: Mailer;
}

/** Everything a console page or action may use. */
export interface ConsoleDeps {
  readonly ctx: ServerContext;
  readonly mailer: Mailer;
  readonly secondFactor: SecondFactor;
}
