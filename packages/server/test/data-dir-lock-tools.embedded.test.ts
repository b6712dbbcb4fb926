import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/storage/data-dir-lock.js';
import { runToExit, startServe, stop } from './support/serve-process.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'auth-agent-locktools-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A directory for PATH holding only the named programs of this machine. */
function pathWith(...programs: string[]): string {
  const bin = mkdtempSync(join(root, 'bin-'));
  for (const program of programs) {
    const found = execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
    symlinkSync(found.trim(), join(bin, program));
  }
  return bin;
}

describe('lockDataDir', { timeout: 90_000 }, () => {
  it('is exclusive within one process too, and free again once released', () => {
    const dataDir = join(root, 'in-process');
    const unlock = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dataDir)).toThrow(`in use by process ${process.pid} on host `);
    unlock();
    expect(existsSync(join(dataDir, 'auth-agent.lock'))).toBe(false);
    unlock(); // a second call is harmless
    lockDataDir(dataDir)();
  });

  it('takes the lock with Perl where `flock` is missing, and both see one lock', async () => {
    const dataDir = join(root, 'perl');
    const first = await startServe(dataDir, { env: { PATH: pathWith('perl') } });
    try {
      const second = await runToExit(dataDir, ['serve']);
      expect(second.output).toContain(`in use by process ${first.child.pid} on host `);
      expect(second.code).toBe(1);
    } finally {
      await stop(first.child);
    }
  });

  it('opens nothing, with a clear message, where no locking tool exists', async () => {
    const dataDir = join(root, 'no-tools');
    const empty = join(root, 'empty-bin');
    mkdirSync(empty);
    const refused = await runToExit(dataDir, ['migrate'], { env: { PATH: empty } });
    expect(refused.output).toContain('Cannot lock the embedded data directory');
    expect(refused.output).toContain('neither `flock` nor `perl` is installed');
    expect(refused.code).toBe(1);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });
});
