import type { Logger } from 'pino';
import type { Config } from '../../config/load.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** 'smtp' delivers; 'outbox' writes the message to the server log (development). */
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
}

/**
 * Without SMTP_URL, mail goes to the server log so a developer can follow the link. The
 * only bearer value a console mail ever holds is its one-time verification link; passwords
 * and agent or client secrets are never mailed.
 */
export function outboxMailer(logger: Logger): Mailer {
  return {
    kind: 'outbox',
    async send(message) {
      logger.info(
        { event: 'mail.outbox', to: message.to, subject: message.subject, body: message.text },
        'development outbox: SMTP_URL is not set, so this mail was not sent',
      );
    },
  };
}

/**
 * SMTP through nodemailer, loaded only when SMTP_URL is set. nodemailer is the one extra
 * runtime dependency of the console: SMTP with STARTTLS, implicit TLS, AUTH and
 * connection handling is too much protocol to hand-roll safely.
 */
export function smtpMailer(smtpUrl: string, from: string, logger: Logger): Mailer {
  let transport: Promise<import('nodemailer').Transporter> | undefined;
  return {
    kind: 'smtp',
    async send(message) {
      transport ??= import('nodemailer').then((m) => m.createTransport(smtpUrl));
      await (await transport).sendMail({ from, ...message });
      logger.info({ event: 'mail.sent', to: message.to, subject: message.subject }, 'mail sent');
    },
  };
}

export function createMailer(config: Config, logger: Logger): Mailer {
  return config.smtpUrl
    ? smtpMailer(config.smtpUrl, config.mailFrom, logger)
    : outboxMailer(logger);
}
