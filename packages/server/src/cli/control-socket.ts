import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  ProvisioningError,
  provisionAgent,
  provisionClient,
  provisionUser,
} from '../accounts/provisioning.js';
import type { Config } from '../config/load.js';
import type { SqlDriver } from '../storage/driver.js';

/**
 * The embedded database belongs to one process, so while `serve` runs, the CLI's create
 * commands are carried out by the server itself over a Unix socket inside the data dir.
 * The directory is 0700 and the socket 0600: only the same OS user can reach it.
 */
export function controlSocketPath(dataDir: string): string {
  return join(dataDir, 'control.sock');
}

export type ControlRequest =
  | { command: 'user create'; input: { email: string; password: string; admin: boolean } }
  | {
      command: 'agent create';
      input: {
        ownerEmail: string;
        userEmail: string;
        userName?: string | undefined;
        agentId?: string | undefined;
      };
    }
  | {
      command: 'client create';
      input: { ownerEmail: string; name: string; redirectUris: string[]; public: boolean };
    };

export type ControlResponse = { ok: true; result: unknown } | { ok: false; error: string };

export async function executeControl(
  db: SqlDriver,
  config: Config,
  request: ControlRequest,
): Promise<unknown> {
  const iterations = config.pbkdf2Iterations;
  switch (request.command) {
    case 'user create':
      return provisionUser(db, { ...request.input, iterations });
    case 'agent create':
      return provisionAgent(db, { ...request.input, iterations });
    case 'client create':
      return provisionClient(db, { ...request.input, iterations });
  }
}

export function listenControlSocket(db: SqlDriver, config: Config): Promise<Server> {
  const path = controlSocketPath(config.dataDir);
  rmSync(path, { force: true });
  const server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', async (chunk) => {
      buffer += chunk;
      if (!buffer.includes('\n') || buffer.length > 65_536) return;
      let response: ControlResponse;
      try {
        const result = await executeControl(db, config, JSON.parse(buffer) as ControlRequest);
        response = { ok: true, result };
      } catch (error) {
        response = {
          ok: false,
          error:
            error instanceof ProvisioningError
              ? error.message
              : 'The server could not run the command.',
        };
      }
      socket.end(`${JSON.stringify(response)}\n`);
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      chmodSync(path, 0o600);
      resolve(server);
    });
  });
}

export function sendControl(
  dataDir: string,
  request: ControlRequest,
): Promise<ControlResponse> | undefined {
  const path = controlSocketPath(dataDir);
  if (!existsSync(path)) return undefined;
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk) => (reply += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(reply) as ControlResponse);
      } catch {
        reject(new Error('The running server gave no answer on its control socket.'));
      }
    });
    socket.on('error', reject);
  });
}
