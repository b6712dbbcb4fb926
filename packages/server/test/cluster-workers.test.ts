import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAgent, provisionClient, provisionUser } from '../src/accounts/provisioning.js';
import { backend, openTestDatabase, type TestDatabase } from './support/database.js';

// Runs the built CLI (dist), as an operator would: `npm install` builds it.
const BIN = fileURLToPath(new URL('../bin/auth-agent.js', import.meta.url));
const PORT = 18480 + Math.floor(Math.random() * 15);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const REDIRECT = 'http://localhost:3000/callback';

/** One request on a fresh connection, so node:cluster hands each to the next worker. */
function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string; setCookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${ORIGIN}${path}`,
      { method: init.method ?? 'GET', headers: init.headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text, setCookie: res.headers['set-cookie']?.[0] }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function workerPids(primary: number): number[] {
  const out = execFileSync('ps', ['--ppid', String(primary), '-o', 'pid='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map(Number)
    .filter((pid) => pid > 0);
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out');
}

describe.runIf(backend === 'pglite')('WORKERS on embedded storage', () => {
  it('refuses to start and says why', () => {
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [BIN, 'serve'], {
        env: {
          PATH: process.env.PATH,
          WORKERS: '2',
          PORT: String(PORT),
          AUTH_AGENT_DATA_DIR: `/tmp/never-${randomBytes(4).toString('hex')}`,
        },
        stdio: 'pipe',
        timeout: 20_000,
      });
    } catch (error) {
      const e = error as { status: number; stderr: Buffer };
      failure = { status: e.status, stderr: e.stderr.toString('utf8') };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toMatch(/WORKERS=2 needs DATABASE_URL/);
    expect(failure?.stderr).toMatch(/single process/);
  });
});

describe.runIf(backend === 'postgres')('WORKERS=2 on PostgreSQL', () => {
  let db: TestDatabase;
  let server: ChildProcess;
  let client: { client_id: string; client_secret: string | null };
  let agent: { agent_id: string; agent_secret: string };

  beforeAll(async () => {
    db = await openTestDatabase();
    const email = `owner-${randomBytes(4).toString('hex')}@example.com`;
    await provisionUser(db.driver, {
      email,
      password: randomBytes(16).toString('hex'),
      admin: false,
      iterations: 100_000,
    });
    client = await provisionClient(db.driver, {
      ownerEmail: email,
      name: 'Site',
      redirectUris: [REDIRECT],
      public: false,
      iterations: 100_000,
    });
    agent = await provisionAgent(db.driver, {
      ownerEmail: email,
      userEmail: 'u@example.com',
      iterations: 100_000,
    });
    // No KEY_ENCRYPTION_KEY: the primary must generate one and give the same to every worker.
    server = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        PATH: process.env.PATH,
        WORKERS: '2',
        PORT: String(PORT),
        DATABASE_URL: db.url,
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    await waitFor(
      async () =>
        workerPids(server.pid ?? 0).length === 2 && (await send('/health/ready')).status === 200,
    );
  });
  afterAll(async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    await db.dispose();
  });

  async function signInAcrossConnections(): Promise<number> {
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      state: 's1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const page = await send(`/authorize?${query}`);
    const requestId = /name="auth-agent-request-id" content="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const cookie = page.setCookie?.split(';')[0] ?? '';
    const auth = await send('/api/agent/authenticate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        request_id: requestId,
        agent_id: agent.agent_id,
        agent_secret: agent.agent_secret,
        model: 'm',
      }),
    });
    expect(auth.status).toBe(200);
    const status = JSON.parse(
      (await send(`/api/check-status?request_id=${requestId}`, { headers: { cookie } })).text,
    ) as { code?: string };
    const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
    const token = await send('/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: status.code ?? '',
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      }).toString(),
    });
    if (token.status !== 200) return token.status;
    const { access_token } = JSON.parse(token.text) as { access_token: string };
    return (await send('/userinfo', { headers: { authorization: `Bearer ${access_token}` } }))
      .status;
  }

  it('completes sign-ins whose steps land on different workers', async () => {
    // Each request opens a new connection, so consecutive steps alternate between workers:
    // codes and tokens made by one must be accepted by the other.
    for (let i = 0; i < 4; i++) expect(await signInAcrossConnections()).toBe(200);
  });

  it('replaces a worker that dies, and keeps serving', async () => {
    const [victim] = workerPids(server.pid ?? 0);
    process.kill(victim ?? 0, 'SIGKILL');
    await waitFor(() => {
      const pids = workerPids(server.pid ?? 0);
      return pids.length === 2 && !pids.includes(victim ?? 0);
    });
    await waitFor(async () => (await send('/health/ready')).status === 200);
    expect(await signInAcrossConnections()).toBe(200);
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    const pids = workerPids(server.pid ?? 0);
    server.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => server.once('exit', resolve));
    expect(code).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
