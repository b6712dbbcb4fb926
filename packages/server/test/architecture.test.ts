import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The rules of docs/architecture.md, checked on the source as a newcomer reads it.
const SERVER = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(SERVER, 'src');
const MIGRATIONS = join(SERVER, 'migrations');
const REPO = join(SERVER, '..', '..');

function files(dir: string, ending: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, ending);
    return path.endsWith(ending) ? [path] : [];
  });
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function imports(): Import[] {
  return files(SRC, '.ts').flatMap((path) =>
    [
      ...readFileSync(path, 'utf8').matchAll(/import (type )?[^;]*?from '(\.{1,2}\/[^']+)\.js'/gs),
    ].map((m) => ({
      from: relative(SRC, path),
      to: relative(SRC, normalize(join(dirname(path), `${m[2]}.ts`))),
      typeOnly: m[1] !== undefined,
    })),
  );
}

/** 0 foundations, 1 storage, 2 domain, 3 the edges (HTTP, endpoints, console, CLI). */
function layer(path: string): number {
  const top = path.split('/')[0] ?? '';
  if (['crypto', 'config'].includes(top)) return 0;
  if (['errors.ts', 'logger.ts', 'request-info.ts'].includes(path)) return 0;
  if (top === 'storage') return 1;
  if (['accounts', 'auth', 'clients', 'oauth', 'tokens', 'security', 'operations'].includes(top))
    return 2;
  return 3;
}

describe('imports go one way', () => {
  it('no module imports a higher layer (the context interface excepted, as a type)', () => {
    const upward = imports().filter(
      (i) => layer(i.to) > layer(i.from) && !(i.to === 'server-context.ts' && i.typeOnly),
    );
    expect(upward.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('no import circle, counting type-only imports', () => {
    const edges = new Map<string, string[]>();
    for (const i of imports()) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        circles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
        return;
      }
      state.set(node, 'open');
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of edges.keys()) visit(node, []);
    expect(circles).toEqual([]);
  });
});

describe('who is asking is passed down, not kept in an async context', () => {
  it('no module uses async_hooks or Hono context storage (request-info.ts says why)', () => {
    const hooked = files(SRC, '.ts').filter((path) =>
      /from '(node:)?async_hooks'|from 'hono\/context-storage'/.test(readFileSync(path, 'utf8')),
    );
    expect(hooked.map((path) => relative(SRC, path))).toEqual([]);
  });
});

describe('each SQL function has one live definition', () => {
  const defined = (path: string) =>
    [
      ...readFileSync(path, 'utf8').matchAll(
        /create\s+(?:or\s+replace\s+)?function\s+([a-z_0-9]+)/gi,
      ),
    ].map((m) => (m[1] ?? '').toLowerCase());

  it('numbered migrations define no function', () => {
    const numbered = readdirSync(MIGRATIONS).filter((f) => /^\d{3}_.*\.sql$/.test(f));
    expect(numbered.length).toBeGreaterThanOrEqual(9);
    for (const file of numbered) expect(defined(join(MIGRATIONS, file)), file).toEqual([]);
  });

  it('every function is defined in exactly one file of migrations/functions, once', () => {
    const all = files(join(MIGRATIONS, 'functions'), '.sql').flatMap(defined);
    const repeated = all.filter((name, i) => all.indexOf(name) !== i);
    expect(repeated).toEqual([]);
    expect(all.length).toBeGreaterThan(50);
  });
});

// Not the project's own code: dependencies, builds, ignored output, and release 0.1.0's
// migrations, kept as they were released for the upgrade tests (schema-upgrade.test.ts).
const NOT_OURS = new Set(
  ['data', 'tmp', 'bench/results', 'packages/server/test/fixtures/schema-0.1.0'].map((path) =>
    join(REPO, path),
  ),
);

/** Every TypeScript, JavaScript and SQL file of the repository, tests and examples included. */
function ownCode(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name.startsWith('.') || ['node_modules', 'dist', 'coverage'].includes(name)) return [];
    if (NOT_OURS.has(path)) return [];
    if (statSync(path).isDirectory()) return ownCode(path);
    return /\.(ts|tsx|mts|cts|js|mjs|cjs|sql)$/.test(name) ? [path] : [];
  });
}

describe('small files', () => {
  it('no source, test or SQL file is over 300 lines', () => {
    const checked = ownCode(REPO).map((path) => relative(REPO, path));
    // The walk reaches every part of the repository.
    for (const part of [
      'packages/server/src/',
      'packages/server/migrations/',
      'packages/server/test/support/',
      'packages/server/test/interop/',
      'packages/sdk/src/',
      'packages/sdk/test/',
      'examples/website/src/',
      'examples/website/test/',
      'bench/src/',
    ])
      expect(
        checked.some((path) => path.startsWith(part)),
        part,
      ).toBe(true);
    expect(checked).toContain('packages/server/test/architecture.test.ts');
    const long = checked
      .map((path) => ({ path, lines: readFileSync(join(REPO, path), 'utf8').split('\n').length }))
      .filter((f) => f.lines > 300);
    expect(long).toEqual([]);
  });
});
