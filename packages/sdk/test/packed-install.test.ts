import { lstat, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from './support/chromium.js';
import {
  type ConsumerProject,
  createConsumerProject,
  SDK_DIR,
} from './support/packed/consumer-project.js';
import {
  type DocsExampleName,
  readDocsExample,
  substitutePlaceholders,
} from './support/packed/docs-examples.js';
import { EXPORTS_CHECK } from './support/packed/exports-check.js';
import {
  type Finished,
  type LongRunning,
  run,
  startLongRunning,
} from './support/packed/processes.js';
import { type LoggedRequest, requestLog } from './support/packed/request-log.js';
import {
  declarationProblems,
  expectedPackedFiles,
  missingExportTargets,
} from './support/packed/tarball-contents.js';
import { PORTS } from './support/ports.js';
import { startTestServer, type TestServer } from './support/server.js';

// The SDK as someone outside this repository gets it: `npm pack`, `npm install` of the
// tarball into an empty project, then the docs' programs, type-checked and run there.
const WEBSITE = `http://127.0.0.1:${PORTS.packedWebsite}`;
const COOKIE_SECRET = 'packed-install-test-cookie-secret-0123456789';
const log = requestLog();
let server: TestServer;
let project: ConsumerProject;
let website: LongRunning | undefined;
let compiled: Finished;

/** The examples' environment: nothing of this process's, only what the docs read. */
function exampleEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, ...(TMPDIR ? { TMPDIR } : {}), ...vars };
}

/** Runs a compiled docs example in the consumer project; returns its output. */
async function runExample(name: string, vars: Record<string, string>) {
  const finished = await run(process.execPath, [`out/${name}.js`], {
    cwd: project.dir,
    env: exampleEnv(vars),
    timeoutMs: 25_000,
  });
  if (finished.code !== 0)
    throw new Error(
      `${name} exited with ${finished.code}:\n${finished.output}\n${website?.output()}`,
    );
  return finished.stdout;
}

beforeAll(async () => {
  // Its own server: access tokens of 60 s make the README website's "renew a minute early"
  // branch run on the first page view, and the request log shows every call it makes.
  server = await startTestServer(PORTS.packedServer, [`${WEBSITE}/callback`], {
    env: { ACCESS_TOKEN_TTL: '60' },
    log,
  });
  const placeholders = {
    "'https://auth.example.com'": `'${server.issuer}'`,
    "'https://shop.example.com'": `'${WEBSITE}'`,
  };
  const withChromium = { ...placeholders, "'/usr/bin/chromium'": JSON.stringify(CHROMIUM_PATH) };
  const example = async (name: DocsExampleName, values: Record<string, string>) =>
    substitutePlaceholders(await readDocsExample(name), values, name);
  project = await createConsumerProject({
    'readme-agent.ts': await example('readme-agent', withChromium),
    'readme-website.ts': await example('readme-website', placeholders),
    'agents-playwright.ts': await example('agents-playwright', withChromium),
    'exports-check.ts': EXPORTS_CHECK,
  });
  // tsc emits even with type errors (reported by their own test below), so the examples
  // still run and show their own failures.
  compiled = await project.compile();
}, 180_000);

afterAll(async () => {
  await website?.stop();
  await project?.remove();
  await server?.close();
});

describe('the packed @auth-agent/sdk tarball', () => {
  it('holds dist, README, LICENSE and package.json only, with types that resolve inside it', async () => {
    expect(project.packedFiles.sort()).toEqual(await expectedPackedFiles(SDK_DIR));
    const installed = join(project.dir, 'node_modules/@auth-agent/sdk');
    expect(await missingExportTargets(installed, project.packedFiles)).toEqual([]);
    expect(await declarationProblems(installed)).toEqual([]);
  });

  it('is what the consumer resolves @auth-agent/sdk/* to: an installed copy, not the workspace', async () => {
    const installed = join(project.dir, 'node_modules/@auth-agent/sdk');
    expect((await lstat(installed)).isSymbolicLink()).toBe(false);
    for (const subpath of ['agent', 'website', 'react']) {
      const resolved = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `console.log(import.meta.resolve('@auth-agent/sdk/${subpath}'))`,
        ],
        { cwd: project.dir, env: exampleEnv({}), timeoutMs: 10_000 },
      );
      expect(resolved.output.trim()).toBe(
        `file://${await realpath(installed)}/dist/${subpath}/index.js`,
      );
    }
  });

  it('type-checks the docs examples and every export path in a strict NodeNext project', () => {
    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);
  });

  it('type-checks them with bundler resolution too (Vite, Next.js and the like)', async () => {
    const bundler = await project.compile(
      '--noEmit',
      '--module',
      'preserve',
      '--moduleResolution',
      'bundler',
    );
    expect(bundler.output).toBe('');
    expect(bundler.code).toBe(0);
  }, 30_000);
});

describe('the docs examples, run from the installed tarball', () => {
  beforeAll(async () => {
    website = await startLongRunning(process.execPath, ['out/readme-website.js'], {
      cwd: project.dir,
      env: exampleEnv({
        PORT: String(PORTS.packedWebsite),
        AUTH_AGENT_CLIENT_ID: server.website.client_id,
        AUTH_AGENT_CLIENT_SECRET: server.website.client_secret ?? '',
        COOKIE_SECRET,
      }),
      timeoutMs: 15_000,
      ready: async () => (await fetch(WEBSITE)).ok,
    });
  }, 30_000);

  const agentVars = () => ({
    AUTH_AGENT_ID: server.agent.agent_id,
    AUTH_AGENT_SECRET: server.agent.agent_secret,
  });

  it('README: the agent signs in to the website, reads who it is, and signs out', async () => {
    log.clear();
    const stdout = await runExample('readme-agent', agentVars());
    expect(stdout.trim().split('\n')).toEqual([
      `Signed in: ${server.agent.agent_id} (claude-sonnet-4) for person@example.com`,
      'Sign in with Auth Agent',
    ]);
    // The website's calls, each answered with success: code exchange, then the refresh of
    // the 60 s token, the JWKS (tokens are verified offline), userinfo, and revocation on
    // sign-out.
    const calls = (path: string): LoggedRequest[] => log.requests.filter((r) => r.path === path);
    expect(calls('/api/agent/authenticate').map((r) => r.status)).toEqual([200]);
    expect(calls('/token').map((r) => r.status)).toEqual([200, 200]);
    expect(calls('/.well-known/jwks.json').map((r) => r.status)).toEqual([200]);
    expect(calls('/introspect')).toEqual([]);
    expect(calls('/userinfo').map((r) => r.status)).toEqual([200]);
    expect(calls('/revoke').map((r) => r.status)).toEqual([200]);
  });

  it('docs/agents.md: the Playwright program signs in and returns to the website', async () => {
    log.clear();
    const stdout = await runExample('agents-playwright', agentVars());
    expect(stdout.trim()).toBe(`back on ${WEBSITE}`);
    const calls = (path: string) => log.requests.filter((r) => r.path === path);
    expect(calls('/api/agent/authenticate').map((r) => r.status)).toEqual([200]);
    expect(calls('/token').map((r) => r.status)).toContain(200);
  });
});
