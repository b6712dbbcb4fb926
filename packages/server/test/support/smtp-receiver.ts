import { createServer, type Server } from 'node:net';

/**
 * A minimal SMTP receiver (RFC 5321 happy path) on 127.0.0.1: the console's mail as a
 * real SMTP_URL delivers it. `messages` holds each message's DATA, lines joined by \n.
 */
export interface SmtpReceiver {
  readonly url: string;
  readonly messages: string[];
  close(): Promise<void>;
}

/** `port` 0 (the default): a free port the system picks, so parallel test files never collide. */
export async function startSmtpReceiver(port = 0): Promise<SmtpReceiver> {
  const messages: string[] = [];
  const server: Server = createServer((socket) => {
    let data = false;
    let message = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      for (const line of chunk.toString('utf8').split('\r\n')) {
        if (data) {
          if (line === '.') {
            data = false;
            messages.push(message);
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
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A link to `path` in a mail (quoted-printable soft line breaks undone). */
export function linkInMail(mail: string, origin: string, path: string): string | undefined {
  const body = mail.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const escaped = `${origin}${path}`.replace(/[.?/]/g, (ch) => `\\${ch}`);
  return new RegExp(`${escaped}\\?token=[A-Za-z0-9_-]+`).exec(body)?.[0];
}
