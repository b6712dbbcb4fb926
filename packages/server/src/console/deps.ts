import type { ServerContext } from '../server-context.js';
import type { SafeHtml } from '../views/html.js';
import type { SecurityEvents } from './events.js';
import type { Mailer } from './mail/mailer.js';

/** An extra admin page another module contributes (the security log, for one). */
export interface AdminPage {
  /** Path segment under /console/admin/. */
  slug: string;
  title: string;
  /** Rendered inside the admin shell, in the admin's own RLS context. */
  render(input: { userId: string; nonce: string }): Promise<SafeHtml>;
}

export interface ConsoleOptions {
  /** Where security-relevant console events go; see events.ts. */
  events?: SecurityEvents;
  /** Overrides the mailer chosen from SMTP_URL (tests). */
  mailer?: Mailer;
  adminPages?: AdminPage[];
}

/** Everything a console page or action may use. */
export interface ConsoleDeps {
  readonly ctx: ServerContext;
  readonly events: SecurityEvents;
  readonly mailer: Mailer;
  readonly adminPages: readonly AdminPage[];
}
