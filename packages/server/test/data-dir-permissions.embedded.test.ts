import type { ChildProcess } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServe, stop } from './support/serve-process.js';

// Finding 8 of the abuse review: PGlite writes its files 0666 and a data directory that
// already existed kept whatever mode it had. The directory holds every password and secret
// hash: it must be owner-only (directories 0700, files 0600) whatever state it was in, with
// a warning when the server had to fix it.
let root: string;
const running: ChildProcess[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'auth-agent-perms-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => stop(child, 'SIGKILL')));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every directory and regular file under `dir` with its permission bits. */
function modes(dir: string): Array<{ path: string; directory: boolean; mode: number }> {
  const found: Array<{ path: string; directory: boolean; mode: number }> = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if (!stat.isDirectory() && !stat.isFile()) return;
    found.push({ path, directory: stat.isDirectory(), mode: stat.mode & 0o777 });
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return found;
}

function loosen(dir: string) {
  for (const entry of modes(dir)) chmodSync(entry.path, entry.directory ? 0o777 : 0o666);
}

const open = (entries: ReturnType<typeof modes>) =>
  entries.filter((e) => e.mode !== (e.directory ? 0o700 : 0o600)).map((e) => e.path);

async function serveUntilStopped(dataDir: string, env: Record<string, string> = {}) {
  const server = await startServe(dataDir, { env });
  running.push(server.child);
  const whileRunning = modes(dataDir);
  await stop(server.child, 'SIGTERM');
  return { whileRunning, output: server.output() };
}

describe('the embedded data directory', { timeout: 90_000 }, () => {
  it('is owner-only, files included, from a new directory', async () => {
    const dataDir = join(root, 'fresh');
    const { whileRunning } = await serveUntilStopped(dataDir);
    expect(whileRunning.length).toBeGreaterThan(100);
    expect(open(whileRunning.filter((e) => e.directory))).toEqual([]);
    expect(open(modes(dataDir))).toEqual([]);
  });

  it('is made owner-only when found open to everyone, with a warning', async () => {
    const dataDir = join(root, 'restored');
    await serveUntilStopped(dataDir);
    loosen(dataDir);
    expect(open(modes(dataDir)).length).toBeGreaterThan(100);
    const { whileRunning, output } = await serveUntilStopped(dataDir, { LOG_LEVEL: 'warn' });
    expect(output).toContain('"event":"data_dir.permissions_fixed"');
    expect(output).toMatch(/owner-only now \(directories 0700, files 0600\)/);
    expect(open(whileRunning.filter((e) => e.directory))).toEqual([]);
    expect(open(modes(dataDir))).toEqual([]);
  });
});
