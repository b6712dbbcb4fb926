import { createServer } from 'node:net';
import { ConfigError } from '../config/config-error.js';

/**
 * Why the server cannot listen on HOST:PORT, as a message naming the setting and the fix;
 * the error as it came for anything else.
 */
export function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(
        `PORT ${port} is in use on ${host}: another process (perhaps another Auth Agent) listens there. ` +
          `Stop it, or set PORT to a free port (for example PORT=${port === 65535 ? port - 1 : port + 1}).`,
      );
    case 'EACCES':
      return new ConfigError(
        `This process may not listen on PORT ${port} on ${host} (ports below 1024 need privileges); set PORT to a port above 1023, such as PORT=8787.`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(
        `HOST ${host} is not an address of this machine; set HOST=127.0.0.1 (this machine only) or HOST=0.0.0.0 (every interface).`,
      );
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Binds HOST:PORT for a moment and lets it go, so that a port in use is reported at once
 * rather than after the database has started (which takes seconds, and tens of seconds for
 * a new embedded database). The real bind later maps its errors the same way.
 */
export function assertPortAvailable(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenError(error, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
