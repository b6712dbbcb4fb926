import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';
import { ConsoleBrowser, privileged } from './support/console.js';

// The security log as people read it: newest first by time, names beside ids, filters that
// keep their state, paging, CSV and JSON export, and every owner action recorded.

let h: SecurityHarness;
type Owner = { id: string; email: string; password: string };
let owner: Owner;
let browser: ConsoleBrowser;
let agentId: string;

interface ExportedEvent {
  id: number;
  occurredAt: string;
  event: string;
  actorId: string | null;
  actorName: string | null;
  targetId: string | null;
  targetName: string | null;
  details: Record<string, unknown>;
}

beforeAll(async () => {
  h = await securityHarness();
  owner = await h.createUser();
  const agent = await h.createAgent(owner.email);
  agentId = agent.agent_id;
  await privileged(h, `UPDATE agents SET label = 'Night crawler' WHERE agent_id = $1`, [agentId]);
  // Entries whose ids run against their times (events are stored in batches), and more than
  // ten of them, so that ids sorted as text (9 before 10) would show.
  for (let i = 0; i < 14; i++) {
    await privileged(
      h,
      `INSERT INTO security_events (occurred_at, event, outcome, actor_type, actor_id, target_type,
         target_id, user_agent, owner_ids, details)
       VALUES (now() - make_interval(mins => $1), 'agent.authentication', 'failure', 'agent', $2,
         'agent', $2, $3, ARRAY[$4::uuid], jsonb_build_object('n', $5::int))`,
      [(i * 7) % 14, agentId, i === 3 ? '=HYPERLINK("http://evil.test")' : 'curl', owner.id, i],
    );
  }
  browser = new ConsoleBrowser(h);
  await browser.get('/console/login');
  expect((await browser.post('/console/login', owner)).status).toBe(303);
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

async function exported(query = ''): Promise<ExportedEvent[]> {
  const response = await browser.get(`/console/security/events${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { events: ExportedEvent[] }).events;
}

function isNewestFirst(events: ExportedEvent[]) {
  return events.every((e, i) => i === 0 || (events[i - 1]?.occurredAt ?? '') >= e.occurredAt);
}

describe('the security log page', () => {
  it('lists entries newest first by time, with names beside ids', async () => {
    const events = await exported(`?subject=${agentId}`);
    expect(events.length).toBe(14);
    expect(isNewestFirst(events)).toBe(true);
    expect(events.map((e) => e.id)).not.toEqual([...events.map((e) => e.id)].sort((a, b) => b - a));
    expect(events[0]?.targetName).toBe('Night crawler');

    await browser.get(`/console/security?subject=${agentId}`);
    const html = browser.lastHtml;
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('<strong>Night crawler</strong>');
    const times = [...html.matchAll(/<time datetime="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(times.length).toBe(14);
    expect([...times].sort().reverse()).toEqual(times);
    // The owner's own log-in: their email beside their id.
    await browser.get('/console/security?event=user.authentication');
    expect(browser.lastHtml).toContain(
      `<strong>${owner.email}</strong><br><code>${owner.id}</code>`,
    );
  });

  it('pages through older entries without gaps or repeats, keeping the filters', async () => {
    const all = await exported(`?subject=${agentId}`);
    const seen: number[] = [];
    let path = `/console/security?subject=${agentId}&limit=5`;
    for (let page = 0; page < 5 && path; page++) {
      await browser.get(path);
      const html = browser.lastHtml;
      seen.push(...[...html.matchAll(/n=(\d+)/g)].map((m) => Number(m[1])));
      const next = /<a href="([^"]+)" rel="next">Older entries<\/a>/.exec(html)?.[1];
      if (next) expect(next.replaceAll('&amp;', '&')).toContain(`subject=${agentId}`);
      path = next?.replaceAll('&amp;', '&') ?? '';
    }
    expect(seen).toEqual(all.map((e) => e.details.n));
  });

  it('keeps valid filters when another is invalid, and says which was ignored', async () => {
    await browser.get('/console/security?event=agent.authentication&outcome=nonsense&ip=10.0.0.1');
    const html = browser.lastHtml;
    expect(html).toContain('<option value="agent.authentication" selected>');
    expect(html).toContain('name="ip" value="10.0.0.1"');
    expect(html).toContain('Ignored filters that are not valid: outcome.');
  });

  it('exports the filtered entries as CSV and JSON, linked from the page', async () => {
    await browser.get(`/console/security?subject=${agentId}`);
    expect(browser.lastHtml).toContain(`href="/console/security/events.csv?subject=${agentId}"`);
    expect(browser.lastHtml).toContain(`href="/console/security/events?subject=${agentId}"`);
    const response = await browser.get(`/console/security/events.csv?subject=${agentId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="security-log-.*\.csv"$/,
    );
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,occurred_at,event,outcome,actor_type,actor_id,actor_name,target_type,target_id,target_name,ip,user_agent,request_id,details',
    );
    expect(lines.length).toBe(1 + 14);
    expect(lines.some((l) => l.includes(`,"'=HYPERLINK(""http://evil.test"")",`))).toBe(true);
    expect(lines.some((l) => /,=HYPERLINK/.test(l))).toBe(false);
  });
});

describe('owner actions in the security log', () => {
  it('records create, update, rotate, disable, enable, revoke and delete with who did it', async () => {
    await browser.get('/console/agents/new');
    await browser.post('/console/agents', { label: 'Logged', user_email: owner.email });
    const [row] = await privileged<{ id: string; agent_id: string }>(
      h,
      `SELECT id, agent_id FROM agents WHERE label = 'Logged'`,
    );
    const ref = row?.id ?? '';
    for (const [path, fields] of [
      ['profile', { label: 'Logged', user_email: owner.email }],
      ['rotate', { confirm: 'yes' }],
      ['disable', {}],
      ['enable', {}],
      ['grants/revoke-all', { confirm: 'yes' }],
      ['delete', { confirm: 'yes' }],
    ] as const) {
      await browser.get('/console/agents');
      const response = await browser.post(`/console/agents/${ref}/${path}`, fields);
      expect(response.status, path).toBe(303);
    }
    const actions = (await exported(`?event=owner.action&subject=${row?.agent_id}`)).reverse();
    expect(actions.map((e) => e.details.action)).toEqual([
      'agent.create',
      'agent.update',
      'agent.rotate_secret',
      'agent.disable',
      'agent.enable',
      'agent.revoke_all',
      'agent.delete',
    ]);
    expect(new Set(actions.map((e) => e.actorId))).toEqual(new Set([owner.id]));
    expect(actions[0]?.actorName).toBe(owner.email);
  });
});
