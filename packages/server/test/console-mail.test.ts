import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';

// A minimal SMTP receiver (RFC 5321 happy path) on a port of this suite's range; each
// backend project gets its own port so the two runs never collide.
const SMTP_PORT = process.env.AUTH_AGENT_TEST_BACKEND === 'postgres' ? 18221 : 18220;
const received: string[] = [];
let smtp: Server;
let h: Harness;

beforeAll(async () => {
  smtp = createServer((socket) => {
    let data = false;
    let message = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      for (const line of chunk.toString('utf8').split('\r\n')) {
        if (data) {
          if (line === '.') {
            data = false;
            received.push(message);
            socket.write('250 queued\r\n');
          } else message += `${line}\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 test\r\n');
        else if (/^DATA/i.test(line)) {
          data = true;
          message = '';
          socket.write('354 go ahead\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else if (line) socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => smtp.listen(SMTP_PORT, '127.0.0.1', resolve));
  h = await createHarness({
    SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    MAIL_FROM: 'Console <console@auth.test>',
  });
});
afterAll(async () => {
  await h.dispose();
  await new Promise((resolve) => smtp.close(resolve));
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
