import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runAgent } from '@auth-agent/example-agent';
import { type RunningWebsite, startWebsite } from '@auth-agent/example-website';
import { type DemoServer, startDemoServer } from './server.js';
import { createTranscript, screenshotTranscript } from './transcript.js';

// `npm run demo [-- --screenshots DIR]`: the whole story, one step at a time. Exits 0 only
// when the agent read its own identity back from the website's dashboard.
const { values } = parseArgs({ options: { screenshots: { type: 'string' } } });
const screenshotsDir = values.screenshots ? resolve(values.screenshots) : undefined;
const serverPort = Number(process.env.DEMO_SERVER_PORT ?? 18190);
const websitePort = Number(process.env.DEMO_WEBSITE_PORT ?? 18191);
const MODEL = 'demo-model-1';
const { print, lines } = createTranscript();
const checks = { passed: 0, failed: 0 };

function check(label: string, actual: string, expected: string) {
  if (actual !== expected) {
    checks.failed++;
    throw new Error(`${label}: expected "${expected}", got "${actual}"`);
  }
  checks.passed++;
  print(`      ✓ ${label}: ${actual}`);
}

async function demo(dataDir: string, cleanup: Array<() => Promise<void>>) {
  print('Auth Agent demo');
  print(`[1/4] Starting the Auth Agent server on embedded storage (data dir ${dataDir})`);
  const server: DemoServer = await startDemoServer(dataDir, serverPort);
  cleanup.push(() => server.close());
  print(`      listening; issuer ${server.issuer}`);

  print('[2/4] Creating a demo owner, website and agent');
  const websiteUrl = `http://127.0.0.1:${websitePort}`;
  const accounts = await server.provision({ websiteCallback: `${websiteUrl}/callback` });
  print(`      owner:   ${accounts.owner}`);
  print(`      website: ${accounts.website.client_id} (callback ${websiteUrl}/callback)`);
  print(`      agent:   ${accounts.agent.agent_id}, acting for ${accounts.agent.user_email}`);

  print(`[3/4] Starting the example website on ${websiteUrl}`);
  const site: RunningWebsite = await startWebsite(
    {
      issuer: server.issuer,
      clientId: accounts.website.client_id,
      clientSecret: accounts.website.client_secret ?? '',
      baseUrl: websiteUrl,
      cookieSecret: crypto.randomUUID() + crypto.randomUUID(),
    },
    websitePort,
  );
  cleanup.push(() => site.close());

  print('[4/4] Running the agent in headless Chromium');
  const reading = await runAgent({
    websiteUrl,
    issuer: server.issuer,
    agentId: accounts.agent.agent_id,
    agentSecret: accounts.agent.agent_secret,
    model: MODEL,
    screenshotsDir,
    log: (line) => print(`    ${line}`),
  });
  print('      The dashboard shows:');
  check('agent id', reading.agentId, accounts.agent.agent_id);
  check('model', reading.model, MODEL);
  check('user email', reading.userEmail, accounts.agent.user_email);
  check('tokens visible to page scripts', reading.tokensVisibleToScripts, 'none');
  print('Demo succeeded.');
}

const dataDir = await mkdtemp(join(tmpdir(), 'auth-agent-demo-'));
const cleanup: Array<() => Promise<void>> = [];
const watchdog = setTimeout(() => {
  console.error('demo: gave up after 180 s');
  process.exit(1);
}, 180_000);
let exitCode = 0;
try {
  await demo(dataDir, cleanup);
  if (screenshotsDir) {
    await mkdir(screenshotsDir, { recursive: true });
    await screenshotTranscript(lines, join(screenshotsDir, '0-terminal.png'));
    console.log(`Screenshots in ${screenshotsDir}`);
  }
} catch (error) {
  exitCode = 1;
  if (checks.failed === 0) checks.failed = 1; // the run failed before or between the checks
  console.error(`Demo FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  for (const close of cleanup.reverse()) await close().catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
console.log(`demo: ${checks.passed} passed, ${checks.failed} failed`);
process.exit(exitCode);
