import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * SECURITY.md's dependency policy: every dependency is pinned to an exact version (what the
 * lockfile installs is what package.json says, and an update is a reviewed change), and the
 * update bot keeps pinning. Peer dependencies are the exception: they state a range.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const PINNED = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

type Manifest = Partial<Record<(typeof PINNED)[number], Record<string, string>>> & {
  workspaces?: string[];
};
const read = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

describe('dependency policy', () => {
  const root = read<Manifest>('package.json');
  const manifests = ['package.json', ...(root.workspaces ?? []).map((w) => `${w}/package.json`)];

  it('pins every dependency of every workspace to an exact version', () => {
    expect(manifests.length).toBeGreaterThan(5);
    const ranges = manifests.flatMap((path) => {
      const manifest = read<Manifest>(path);
      return PINNED.flatMap((section) =>
        Object.entries(manifest[section] ?? {})
          .filter(([, version]) => !EXACT.test(version))
          .map(([name, version]) => `${path} ${section} ${name}@${version}`),
      );
    });
    expect(ranges).toEqual([]);
  });

  it('has npm save exact versions and the update bot pin them', () => {
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^save-exact=true$/m);
    expect(read<{ rangeStrategy: string }>('renovate.json').rangeStrategy).toBe('pin');
  });
});
