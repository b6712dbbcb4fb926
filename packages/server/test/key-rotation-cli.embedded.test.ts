import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToExit, startServe, stop } from './support/serve-process.js';

// `auth-agent keys rotate` while `serve` holds the embedded database: the CLI hands the
// command to the running server over its control socket, which rotates and reloads at once.
const ENV = { JWKS_MAX_AGE: '1', SIGNING_KEY_ACTIVATION_DELAY: '30' };
let dataDir: string;
let server: ChildProcess;
let listening: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-agent-keys-'));
  const started = await startServe(dataDir, { env: ENV });
  server = started.child;
  listening = /listening on (\S+)/.exec(started.output())?.[1] ?? '';
}, 60_000);
afterAll(async () => {
  await stop(server);
  rmSync(dataDir, { recursive: true, force: true });
});

const kids = async () =>
  (
    (await (await fetch(`${listening}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    }
  ).keys.map((k) => k.kid);

async function rotate(...flags: string[]) {
  const run = await runToExit(dataDir, ['keys', 'rotate', ...flags], { env: ENV });
  expect(run.code).toBe(0);
  // stdout's JSON object, after the line on stderr that names the server it went through.
  expect(run.output).toMatch(/through the running server \(process \d+\)/);
  const json = run.output.slice(run.output.indexOf('\n{') + 1, run.output.lastIndexOf('}') + 1);
  return JSON.parse(json) as { kid: string; signs_from: string; revoked_keys: number };
}

describe('keys rotate through the running server', { timeout: 60_000 }, () => {
  it('publishes the next key at once, and withdraws the others at once in an emergency', async () => {
    const [first] = await kids();
    const next = await rotate();
    expect(Date.parse(next.signs_from) - Date.now()).toBeGreaterThan(20_000);
    expect(await kids()).toEqual([next.kid, first]);
    const emergency = await rotate('--emergency');
    expect(emergency.revoked_keys).toBe(2);
    expect(await kids()).toEqual([emergency.kid]);
  });

  it('refuses unknown flags before reaching the server', async () => {
    const run = await runToExit(dataDir, ['keys', 'rotate', '--everything'], { env: ENV });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/Unknown option '--everything'/);
  });
});
