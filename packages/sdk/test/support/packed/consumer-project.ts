import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Finished, mustRun, type RunOptions, run } from './processes.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const SDK_DIR = join(REPO_ROOT, 'packages/sdk');

// What `npm pack --json` reports about the tarball.
interface PackReport {
  filename: string;
  files: { path: string }[];
}

export interface ConsumerProject {
  /** The empty project the tarball was installed into. */
  dir: string;
  /** The files `npm pack` put in the tarball. */
  packedFiles: string[];
  /** Runs the repository's TypeScript compiler on the project (emits to `out/`). */
  compile(...extraArgs: string[]): Promise<Finished>;
  remove(): Promise<void>;
}

// The parent npm (`npm test`) exports its whole configuration as npm_config_*; settings such
// as `workspace` or `local_prefix` would point the nested npm back at this repository.
const NPM_SETTINGS_KEPT = new Set(
  ['cache', 'userconfig', 'globalconfig', 'registry', 'cafile', 'proxy', 'https_proxy', 'noproxy']
    .map((name) => `npm_config_${name}`)
    .map((name) => name.toLowerCase()),
);

function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.toLowerCase().startsWith('npm_') || NPM_SETTINGS_KEPT.has(key.toLowerCase()))
      env[key] = value;
  return env;
}

async function versionsFrom(manifestPath: string): Promise<Record<string, string>> {
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, manifestPath), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  return manifest.devDependencies;
}

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    // Check the package's own declaration files too, as a consumer's strict build would.
    skipLibCheck: false,
    resolveJsonModule: true,
    types: ['node'],
    jsx: 'react-jsx',
    rootDir: 'src',
    outDir: 'out',
  },
  include: ['src'],
};

/**
 * Packs packages/sdk (as built by `npm run build`; scripts are skipped so that other test
 * files reading dist are not disturbed by a rebuild) and installs the tarball, with the
 * docs' other dependencies at the repository's versions, into a new empty ESM project
 * outside the repository, whose `src/` holds `files`.
 */
export async function createConsumerProject(
  files: Record<string, string>,
): Promise<ConsumerProject> {
  const root = await mkdtemp(join(tmpdir(), 'auth-agent-packed-'));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    if (!relative(REPO_ROOT, root).startsWith('..'))
      throw new Error(`The temp dir ${root} is inside the repository; set TMPDIR elsewhere.`);
    const dir = join(root, 'app');
    await mkdir(join(dir, 'src'), { recursive: true });
    const npm = (cwd: string, args: string[]): Promise<Finished> =>
      mustRun('npm', args, { cwd, env: npmEnv(), timeoutMs: 90_000 });

    const packed = await npm(SDK_DIR, [
      'pack',
      '--ignore-scripts',
      '--json',
      '--pack-destination',
      root,
    ]);
    const [report] = JSON.parse(packed.stdout) as PackReport[];
    if (!report) throw new Error(`npm pack reported nothing:\n${packed.output}`);

    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'packed-sdk-consumer', private: true, type: 'module' }),
    );
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    for (const [name, code] of Object.entries(files)) await writeFile(join(dir, 'src', name), code);
    const rootVersions = await versionsFrom('package.json');
    const sdkVersions = await versionsFrom('packages/sdk/package.json');
    await npm(dir, [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(root, report.filename),
      `playwright-core@${sdkVersions['playwright-core']}`,
      `@types/node@${rootVersions['@types/node']}`,
      `@types/react@${sdkVersions['@types/react']}`,
    ]);

    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const compileOptions: RunOptions = { cwd: dir, env: npmEnv(), timeoutMs: 60_000 };
    return {
      dir,
      packedFiles: report.files.map((file) => file.path),
      compile: (...extraArgs) =>
        run(process.execPath, [tsc, '-p', 'tsconfig.json', ...extraArgs], compileOptions),
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
