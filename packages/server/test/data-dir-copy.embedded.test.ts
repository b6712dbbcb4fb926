import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToExit, startServe, stop } from './support/serve-process.js';

// A copy of a data directory (a backup, a new container's volume) carries the holder record
// and the control socket with it, but not the lock: only a live holder of the copy blocks it.

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'auth-agent-dircopy-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const copy = (from: string, to: string) => execFileSync('cp', ['-a', from, to]);

describe('a copy of the embedded data directory', { timeout: 90_000 }, () => {
  it('made while no server runs opens in a new server', async () => {
    const original = join(root, 'idle');
    const first = await startServe(original);
    await stop(first.child, 'SIGKILL');
    copy(original, join(root, 'idle-copy'));
    const server = await startServe(join(root, 'idle-copy'));
    await stop(server.child);
  });

  it('made while a server runs opens in a new server, and the original stays locked', async () => {
    const original = join(root, 'live');
    const first = await startServe(original);
    const copied = join(root, 'live-copy');
    try {
      copy(original, copied);
      expect(existsSync(join(copied, 'auth-agent.lock'))).toBe(true);
      expect(existsSync(join(copied, 'control.sock'))).toBe(true);
      const second = await startServe(copied);
      try {
        // A create command on the copy reaches the copy's server, not the original's.
        const env = { LOG_LEVEL: 'silent' };
        const args = ['user', 'create', '--email', 'copy@example.com'];
        const viaCopy = await runToExit(copied, args, { env });
        expect(viaCopy.output).toContain('"email": "copy@example.com"');
        const viaOriginal = await runToExit(original, args, { env });
        expect(viaOriginal.output).toContain('"email": "copy@example.com"');
        expect(viaOriginal.code).toBe(0);
        const refused = await runToExit(original, ['serve']);
        expect(refused.output).toContain(`in use by process ${first.child.pid} on host `);
        expect(refused.code).toBe(1);
      } finally {
        await stop(second.child);
      }
    } finally {
      await stop(first.child);
    }
  });
});
