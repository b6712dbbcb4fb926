import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeById } from './support/console.js';
import { checkStatus } from './support/flow.js';
import { type ClientFixture, createHarness, type Harness } from './support/harness.js';
import { ownerWithAgent, saveNotices, signInFrom, stubDns } from './support/sign-in-notices.js';

// The webhook of first sign-in notifications, delivered to a receiver on this machine: the
// development seam CLIENT_METADATA_ALLOW_LOOPBACK_HTTP lets the server post over http to
// loopback and nowhere else special.

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let h: Harness;
let receiver: Server;
let base: string;
let shop: ClientFixture;
const deliveries: Delivery[] = [];
const plannedStatuses: number[] = [];
let hold: Promise<void> | undefined;
const dns: Record<string, string[]> = { 'hooks.test': ['127.0.0.1'] };

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', async () => {
      if (req.url === '/slow') await hold;
      deliveries.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(plannedStatuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  h = await createHarness(
    { CLIENT_METADATA_ALLOW_LOOPBACK_HTTP: '1', TRUST_PROXY: '1' },
    { resolveHost: stubDns(dns), noticeDelivery: { baseDelayMs: 20, timeoutMs: 2_000 } },
  );
  const siteOwner = await h.createUser();
  shop = await h.createClient(siteOwner.email, { name: 'Webhook Shop' });
});
afterAll(async () => {
  await h.dispose();
  await new Promise((resolve) => receiver.close(resolve));
});

const to = (path: string) => deliveries.filter((d) => d.path === path);

/** An owner whose agent's notices go to `url`; the signing secret shown once. */
async function webhookOwner(url: string) {
  const owner = await ownerWithAgent(h);
  const saved = await saveNotices(owner, { webhook_url: url });
  expect(saved.headers.get('location')).toBe(`/console/once/${owner.ref}`);
  await owner.user.browser.follow(saved);
  const secret = codeById(owner.user.browser.lastHtml, 'webhook-secret');
  await owner.user.browser.get(`/console/once/${owner.ref}`);
  expect(owner.user.browser.lastHtml).not.toContain(secret); // shown once
  return { ...owner, secret };
}

describe('the first sign-in webhook', () => {
  it('posts signed JSON naming the agent, website, time and address, and no secret', async () => {
    const owner = await webhookOwner(`${base}/first`);
    const { started, response } = await signInFrom(h, shop, owner.agent);
    expect(response.status).toBe(200);
    const { code } = (await checkStatus(h, started.requestId, started.cookie)) as { code: string };
    await h.ctx.signInNotices.flush();
    const [delivery, ...more] = to('/first');
    expect(more).toEqual([]);
    expect(JSON.parse(delivery?.body ?? '')).toEqual({
      id: expect.any(String),
      event: 'agent.first_sign_in',
      issuer: 'http://auth.test',
      occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      agent: { id: owner.agent.agent_id, name: 'Agent User' },
      website: { client_id: shop.client_id, name: 'Webhook Shop' },
      resources: [],
      source_ip: '203.0.113.7',
    });
    const raw = JSON.stringify(delivery);
    for (const secret of [owner.agent.agent_secret, owner.secret, started.requestId, code])
      expect(raw).not.toContain(secret);

    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(
      String(delivery?.headers['x-auth-agent-signature']),
    ) ?? ['', '', ''];
    const expected = createHmac('sha256', owner.secret).update(`${t}.${delivery?.body}`);
    expect(v1).toBe(expected.digest('hex'));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);

    expect((await signInFrom(h, shop, owner.agent)).response.status).toBe(200);
    await h.ctx.signInNotices.flush();
    expect(to('/first')).toHaveLength(1);
  });

  it('retries a receiver that fails, with the same notice', async () => {
    const owner = await webhookOwner(`${base}/retry`);
    plannedStatuses.push(500, 503);
    expect((await signInFrom(h, shop, owner.agent)).response.status).toBe(200);
    await h.ctx.signInNotices.flush();
    const attempts = to('/retry');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
  });

  it('never holds up the sign-in while the receiver is slow', async () => {
    const owner = await webhookOwner(`${base}/slow`);
    let release = () => {};
    hold = new Promise((resolve) => {
      release = resolve;
    });
    const { response } = await signInFrom(h, shop, owner.agent);
    expect(response.status).toBe(200);
    expect(to('/slow')).toEqual([]);
    release();
    await h.ctx.signInNotices.flush();
    expect(to('/slow')).toHaveLength(1);
  });

  it('is not posted when the host has come to resolve to a private address', async () => {
    const owner = await webhookOwner(`${base.replace('127.0.0.1', 'hooks.test')}/rebound`);
    dns['hooks.test'] = ['10.0.0.5'];
    try {
      expect((await signInFrom(h, shop, owner.agent)).response.status).toBe(200);
      await h.ctx.signInNotices.flush();
    } finally {
      dns['hooks.test'] = ['127.0.0.1'];
    }
    expect(to('/rebound')).toEqual([]);
    const refusals = h.logs.filter((l) => l.includes('sign-in webhook failed'));
    expect(refusals.at(-1)).toContain('does not resolve to a public address');
  });

  it('refuses private addresses even where loopback is allowed for development', async () => {
    const owner = await ownerWithAgent(h);
    for (const url of ['http://10.0.0.5/hook', 'https://192.168.1.1/hook', 'http://[fe80::1]/']) {
      expect((await saveNotices(owner, { webhook_url: url })).status, url).toBe(400);
      expect(owner.user.browser.lastHtml).toContain('The webhook URL');
    }
  });
});
