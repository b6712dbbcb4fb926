import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/start-server.js';

// For the console browser tests (console-*browser*.embedded.test.ts): Debian's Chromium, a server for it on a
// port of the console suite's range (18200-18299), and the docs' screenshots.
export const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../../../docs/screenshots/', import.meta.url);

/** Saves docs/screenshots/console-`name`.png. */
export async function shot(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: new URL(`console-${name}.png`, SHOTS).pathname, fullPage });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ConsoleServer {
  server: RunningServer;
  /** Every line the server logged. */
  logs: string[];
  close(): Promise<void>;
}

/** A server at http://127.0.0.1:`port` on a fresh embedded data dir, logging at `level`. */
export async function startConsoleServer(
  port: number,
  level: 'info' | 'warn',
  env: Record<string, string>,
): Promise<ConsoleServer> {
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-agent-browser-'));
  const logs: string[] = [];
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: `http://127.0.0.1:${port}`,
    AUTH_AGENT_DATA_DIR: dataDir,
    LOG_LEVEL: level,
    ...env,
  });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const server = await startServer(config, createLogger(level, sink)).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    server,
    logs,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
