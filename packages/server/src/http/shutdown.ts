import type { Server } from 'node:http';
import type { Drain } from './drain.js';

const SWEEP_MS = 100;

/**
 * Stops a server the way an orchestrator expects (docs/operations-runtime.md, "Shutdown"):
 * no new connections, idle keep-alive connections closed now and whenever one falls idle,
 * requests in flight answered (with `Connection: close`, drain.ts), and at `deadline` (epoch
 * ms) every connection still open is closed. Resolves with whether the deadline forced it.
 */
export function drainServer(server: Server, drain: Drain, deadline: number): Promise<boolean> {
  drain.begin();
  return new Promise((resolve) => {
    let forced = false;
    const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    const force = setTimeout(
      () => {
        forced = true;
        server.closeAllConnections();
      },
      Math.max(0, deadline - Date.now()),
    );
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve(forced);
    });
    server.closeIdleConnections();
  });
}

/** `work`, but no longer than until `deadline` (and at least `graceMs`): shutdown steps. */
export async function byDeadline(
  work: Promise<unknown>,
  deadline: number,
  graceMs = 1_000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(graceMs, deadline - Date.now()));
  });
  await Promise.race([work.catch(() => {}), late]);
  clearTimeout(timer);
}
