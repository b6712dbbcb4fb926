import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';
import { type SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver.js';

let smtp: SmtpReceiver;
let received: string[];
let h: Harness;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  received = smtp.messages;
  h = await createHarness({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Console <console@auth.test>',
  });
});
afterAll(async () => {
  await h.dispose();
  await smtp.close();
});

describe('verification mail over SMTP', () => {
  it('sends the link through SMTP_URL and keeps it out of the log', async () => {
    const user = await signUp(h);
    await expect.poll(() => received.length).toBe(1);
    const mail = received[0] ?? '';
    expect(mail).toMatch(/^From: Console <console@auth\.test>/m);
    expect(mail).toContain(`To: ${user.email}`);
    const link = /http:\/\/auth\.test\/console\/verify-email\?token=[A-Za-z0-9_=\r\n-]+/.exec(
      mail,
    )?.[0];
    expect(link).toBeDefined();
    expect(mail).not.toContain(user.password);
    const log = h.logs.join('\n');
    expect(log).toContain('"mail.sent"');
    expect(log).not.toContain('"mail.outbox"');
    expect(log).not.toContain('verify-email?token=');
  });
});
