import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * What the tarball must hold, derived from the sources: one .js and one .d.ts per source
 * file, plus the README, the licence and the manifest. A leftover build output, a test, a
 * source map or a source file makes the real list differ.
 */
export async function expectedPackedFiles(sdkDir: string): Promise<string[]> {
  const sources = (await readdir(join(sdkDir, 'src'), { recursive: true })).filter((path) =>
    /\.tsx?$/.test(path),
  );
  const built = sources.flatMap((path) => {
    const stem = `dist/${path.replace(/\.tsx?$/, '')}`;
    return [`${stem}.js`, `${stem}.d.ts`];
  });
  return [...built, 'LICENSE', 'README.md', 'package.json'].sort();
}

/** The files the manifest's `exports` name (every condition) that the tarball lacks. */
export async function missingExportTargets(
  packageDir: string,
  packedFiles: string[],
): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    exports: unknown;
  };
  const targets = (entry: unknown): string[] =>
    typeof entry === 'string'
      ? [entry]
      : Object.values(entry as Record<string, unknown>).flatMap(targets);
  return targets(manifest.exports)
    .map((target) => target.replace(/^\.\//, ''))
    .filter((target) => !packedFiles.includes(target));
}

const SPECIFIER = /(?:from\s+|import\s*\(\s*)'([^']+)'/g;

export interface DeclarationProblem {
  file: string;
  specifier: string;
  problem: string;
}

/**
 * Checks every import in the installed declaration files: relative ones must name a
 * declaration file inside the package, bare ones a declared (peer) dependency, so a
 * consumer's compiler finds every type without this repository around.
 */
export async function declarationProblems(packageDir: string): Promise<DeclarationProblem[]> {
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const problems: DeclarationProblem[] = [];
  const files = (await readdir(join(packageDir, 'dist'), { recursive: true })).filter((path) =>
    path.endsWith('.d.ts'),
  );
  for (const file of files) {
    const text = await readFile(join(packageDir, 'dist', file), 'utf8');
    for (const [, specifier = ''] of text.matchAll(SPECIFIER)) {
      const report = (problem: string) => problems.push({ file, specifier, problem });
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(join(packageDir, 'dist', file)), specifier);
        if (relative(packageDir, target).startsWith('..')) report('points outside the package');
        else if (!existsSync(target.replace(/\.js$/, '.d.ts'))) report('names no declaration file');
      } else {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : (specifier.split('/')[0] ?? specifier);
        if (!declared.has(name)) report('is not a dependency or peer dependency');
      }
    }
    if (text.includes('sourceMappingURL'))
      problems.push({ file, specifier: '', problem: 'has a source map comment' });
  }
  return problems;
}
