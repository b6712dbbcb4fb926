import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import type { ServerContext } from '../server-context.js';
import { commandNamed } from './command-table.js';
import { executeStep, refusalMessage } from './execute-step.js';

/**
 * The embedded database belongs to one process, so while `serve` runs, the CLI's database
 * commands (all of command-table.ts) are carried out by the server itself over a Unix socket
 * inside the data dir. The directory is 0700 and the socket 0600: only the same OS user can
 * reach it, who could read the database files anyway. One request per connection: a line of
 * JSON each way.
 */
export function controlSocketPath(dataDir: string): string {
  return join(dataDir, 'control.sock');
}

const MAX_REQUEST_BYTES = 65_536;
/** A command that has not answered by then (a PBKDF2 hash takes well under a second). */
const REPLY_TIMEOUT_MS = 120_000;

const ControlRequest = z.object({
  command: z.string().max(64),
  input: z.unknown(),
  actor: z.string().max(128).optional(),
});
export type ControlRequest = z.infer<typeof ControlRequest>;

/** Who answered: the CLI names it on stderr. */
export interface ServerInfo {
  pid: number;
  issuer: string;
}

/** What a command came to, wherever it ran. */
export type CommandOutcome =
  | { ok: true; result: unknown; notice?: string | undefined }
  | { ok: false; error: string };

export type ControlReply = CommandOutcome & { server: ServerInfo };

async function answer(ctx: ServerContext, raw: string): Promise<ControlReply> {
  const server = { pid: process.pid, issuer: ctx.config.issuer };
  let request: ControlRequest;
  try {
    request = ControlRequest.parse(JSON.parse(raw));
  } catch {
    return { ok: false, error: 'The server could not read the request.', server };
  }
  const command = commandNamed(request.command);
  if (!command)
    return {
      ok: false,
      error: `The running server (process ${process.pid}) does not know "${request.command}": it runs an older version. Restart it.`,
      server,
    };
  try {
    const host = { db: ctx.db, config: ctx.config, log: ctx.security.log };
    const done = await executeStep(command, request.input, host, request.actor);
    // A command may have changed the signing keys (keys rotate): this server reads them at
    // once rather than at its next refresh.
    await ctx.keys.reload();
    return { ok: true, ...done, server };
  } catch (error) {
    const message = refusalMessage(error);
    // The error only: the input may hold a password.
    if (message === undefined)
      ctx.logger.error({ err: error, command: command.name }, 'CLI command failed in the server');
    return {
      ok: false,
      error: message ?? 'The server could not run the command; its log has the details.',
      server,
    };
  }
}

/**
 * Listens on the data dir's socket. A socket that cannot be made (a path too long for a Unix
 * socket) is logged, not fatal: the server runs, and the CLI then says the data dir is in use.
 */
export async function listenControlSocket(ctx: ServerContext): Promise<Server | undefined> {
  const path = controlSocketPath(ctx.config.dataDir);
  rmSync(path, { force: true });
  const server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    const onData = (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) socket.destroy();
      else if (buffer.includes('\n')) {
        socket.off('data', onData);
        void answer(ctx, buffer).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
      }
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
    return server;
  } catch (error) {
    ctx.logger.warn(
      { err: error, path },
      'no control socket: CLI commands cannot reach this server while it holds the database',
    );
    return undefined;
  }
}

/** Undefined when no server listens on the data dir's socket (none, or a stale file). */
export function sendControl(
  dataDir: string,
  request: ControlRequest,
): Promise<ControlReply | undefined> {
  const path = controlSocketPath(dataDir);
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let reply = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.setTimeout(REPLY_TIMEOUT_MS, () =>
      socket.destroy(new Error('The running server did not answer on its control socket.')),
    );
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk) => (reply += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(reply) as ControlReply);
      } catch {
        reject(new Error('The running server gave no answer on its control socket.'));
      }
    });
    socket.on('error', (error) => (connected ? reject(error) : resolve(undefined)));
  });
}
