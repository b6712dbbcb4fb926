import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runToExit, startServe, stop } from './support/serve-process.js';

// Two servers on one embedded data directory each acknowledge sign-ins that the other then
// loses on disk; the second one must be refused, however it is started.
const REFUSED = /The embedded database in .* is in use by /;

let root: string;
const running: ChildProcess[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'auth-agent-dirlock-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => stop(child, 'SIGKILL')));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function holder(dataDir: string) {
  const first = await startServe(dataDir);
  running.push(first.child);
  return first;
}

describe('the embedded data directory lock', { timeout: 90_000 }, () => {
  it('refuses a second server while the first runs, naming the first', async () => {
    const dataDir = join(root, 'second');
    const first = await holder(dataDir);
    const second = await runToExit(dataDir, ['serve']);
    expect(second.output).toMatch(REFUSED);
    expect(second.output).toContain(`in use by process ${first.child.pid} on host `);
    expect(second.output).toContain('set AUTH_AGENT_DATA_DIR to another directory');
    expect(second.code).toBe(1);
  });

  it('still refuses it after the lock file is deleted', async () => {
    const dataDir = join(root, 'deleted');
    await holder(dataDir);
    rmSync(join(dataDir, 'auth-agent.lock'));
    const second = await runToExit(dataDir, ['serve']);
    expect(second.output).toMatch(REFUSED);
    expect(second.output).toContain('another process, which left no record of itself');
    expect(second.code).toBe(1);
  });

  it('refuses a second server in another PID namespace (unshare --pid)', async () => {
    const dataDir = join(root, 'namespace');
    const first = await holder(dataDir);
    // Not skipped where unshare is missing or forbidden: the lock would go untested there.
    const wrapper = ['unshare', '--pid', '--fork', '--kill-child', '--map-root-user'];
    const probe = await runToExit(dataDir, ['--help'], { wrapper });
    expect(probe.output, 'unshare must work on this machine').toContain('Usage: auth-agent');
    const second = await runToExit(dataDir, ['serve'], { wrapper });
    expect(second.output).toContain(`in use by process ${first.child.pid} on host `);
    expect(second.code).toBe(1);
  });

  it('lets a new server start at once after the holder is killed with SIGKILL', async () => {
    const dataDir = join(root, 'killed');
    const first = await holder(dataDir);
    await stop(first.child, 'SIGKILL');
    const next = await holder(dataDir);
    // The killed holder's record is replaced by the new holder's.
    const refused = await runToExit(dataDir, ['serve']);
    expect(refused.output).toContain(`in use by process ${next.child.pid} on host `);
    expect(refused.code).toBe(1);
  });
});
