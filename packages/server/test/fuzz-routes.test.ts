import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleBrowser, signUp } from './support/console.js';
import { basicAuth, obtainTokens, type Tokens } from './support/flow.js';
import { type AgentFixture, type ClientFixture, type Harness, ISSUER } from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

// Every route of the route table (http/app.ts and the console's, read from the app itself)
// under arbitrary paths, queries, headers and bodies: no answer may be a 5xx, and nothing
// may be logged as an unhandled error (docs/operations-runtime.md, "Bad input").
let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;
let tokens: Tokens;
let browser: ConsoleBrowser;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  ({ h, client, agent } = await createSignInWorld());
  tokens = await obtainTokens(h, client, agent);
  browser = (await signUp(h)).browser;
  const seen = new Set<string>();
  routes = h.app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({ method: r.method, path: r.path }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}, 120_000);
afterAll(() => h.dispose());

/** Plausible values of the parameters the routes read, so that runs get past the parsers. */
function plausible(): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    code: 'x'.repeat(43),
    redirect_uri: 'http://localhost:3000/callback',
    code_verifier: 'v'.repeat(43),
    refresh_token: tokens.refresh_token,
    scope: 'openid profile email',
    client_id: client.client_id,
    token: tokens.access_token,
    token_type_hint: 'refresh_token',
    response_type: 'code',
    state: 'state',
    code_challenge: 'c'.repeat(43),
    code_challenge_method: 'S256',
    nonce: 'n',
    request_id: 'r'.repeat(43),
    agent_id: agent.agent_id,
    agent_secret: agent.agent_secret,
    model: 'model',
    email: 'someone@example.com',
    password: 'Tq7!correct-horse-battery',
    csrf: browser.csrf ?? '',
    name: 'A name',
    subject: 'agent',
    id: agent.agent_id,
    since: '2024-01-01T00:00',
    until: '2030-01-01T00:00',
    before: '10',
    limit: '5',
    event: 'token.refresh',
    outcome: 'success',
    ip: '127.0.0.1',
    redirect_uris: 'http://localhost:3000/callback',
    label: 'label',
    current_password: 'Tq7!correct-horse-battery',
    new_password: 'Tq7!another-horse-battery',
  };
}

// Which parameters each kind of route reads; a run takes its route's sets (or any).
const SETS: [RegExp, string[][]][] = [
  [
    /^\/token$/,
    [
      ['grant_type', 'scope'],
      ['grant_type', 'refresh_token', 'scope'],
      ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'client_id'],
    ],
  ],
  [/^\/(introspect|revoke)$/, [['token', 'token_type_hint', 'client_id']]],
  [
    /^\/authorize$/,
    [
      [
        'response_type',
        'client_id',
        'redirect_uri',
        'state',
        'code_challenge',
        'code_challenge_method',
        'scope',
        'nonce',
      ],
    ],
  ],
  [/^\/api\//, [['request_id', 'agent_id', 'agent_secret', 'model']]],
  [/^\/console\/(login|signup|setup|verify-email)$/, [['email', 'password', 'csrf']]],
  [
    /^\/console\/security/,
    [['since', 'until', 'before', 'limit', 'event', 'outcome', 'ip', 'subject', 'id', 'csrf']],
  ],
  [/^\/console\/account/, [['current_password', 'new_password', 'password', 'csrf']]],
  [/^\/console\//, [['csrf', 'name', 'email', 'label', 'redirect_uris', 'password']]],
];
const ALL_NAMES = [...new Set(SETS.flatMap(([, sets]) => sets.flat()))];

/** Strings a parser might trip over, and ids the server knows (to get past the lookups). */
const weird = () =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(
      '\u0000',
      'a\u0000b',
      '%00',
      ' ',
      '-1',
      '0',
      '1e309',
      'NaN',
      '99999-12-31T23:59',
      '0000-01-01T00:00',
      '275760-09-13T00:00:00.001Z',
      '[]',
      '{}',
      'null',
      '../..',
      'x'.repeat(5000),
      'https://[::1]/',
      'refresh_token',
      'authorization_code',
      '\ud800',
    ),
  );

/** Each parameter of a set: its plausible value (mostly), something weird, or left out. */
function parameters(path: string) {
  const sets = SETS.find(([pattern]) => pattern.test(path))?.[1] ?? [ALL_NAMES];
  return fc
    .tuple(
      fc.constantFrom(...sets),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 12, maxLength: 12 }),
      fc.array(weird(), { minLength: 12, maxLength: 12 }),
      fc.array(fc.tuple(fc.string({ maxLength: 10 }), weird()), { maxLength: 2 }),
    )
    .map(([names, choices, odd, extra]) => {
      const base = plausible();
      const pairs: [string, string][] = [];
      names.forEach((name, i) => {
        const choice = choices[i % choices.length] ?? 0;
        if (choice === 5) return;
        pairs.push([name, choice === 4 ? (odd[i % odd.length] ?? '') : (base[name] ?? '')]);
      });
      return [...pairs, ...extra];
    });
}

const encode = (entries: [string, string][]) => new URLSearchParams(entries).toString();

function body(path: string) {
  const pairs = parameters(path);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: pairs.map((p) => ({ type: 'application/x-www-form-urlencoded', text: encode(p) })),
    },
    {
      weight: 2,
      arbitrary: pairs.map((p) => ({
        type: 'application/json',
        text: JSON.stringify(Object.fromEntries(p)),
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.jsonValue(), fc.constantFrom('application/json', 'text/plain'))
        .map(([v, type]) => ({ type, text: JSON.stringify(v) ?? '' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'binary', maxLength: 200 })
        .map((text) => ({ type: 'application/x-www-form-urlencoded', text })),
    },
  );
}

const ascii = (max: number) => fc.string({ unit: 'grapheme-ascii', maxLength: max });
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant('Basic JTAwOng='),
  fc.constant(null).map(() => basicAuth(client)),
  fc.constant(null).map(() => `Bearer ${tokens.access_token}`),
  fc
    .string({ unit: 'binary', maxLength: 30 })
    .map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
  ascii(60).map((s) => `Bearer ${s}`),
  ascii(60),
);
const cookie = fc.oneof(
  fc.constant(undefined),
  fc.constant(null).map(() => browser.cookieHeader()),
  ascii(60),
);

const request = (table: { method: string; path: string }[]) =>
  fc.constantFrom(...table).chain((route) =>
    fc.record({
      route: fc.constant(route),
      params: fc.array(
        fc.oneof(
          weird(),
          fc.constant(null).map(() => agent.agent_id),
        ),
        {
          minLength: 3,
          maxLength: 3,
        },
      ),
      query: parameters(route.path),
      body: body(route.path),
      authorization,
      cookie,
      dpop: fc.option(ascii(80), { nil: undefined }),
      origin: fc.constantFrom(ISSUER, 'https://evil.example', undefined),
    }),
  );

function urlOf(path: string, params: string[], query: [string, string][]): string {
  let i = 0;
  const filled = path.replace(/:[a-z_A-Z]+/g, () => encode([['', params[i++] ?? '']]).slice(1));
  const search = encode(query);
  return `${ISSUER}${filled}${search ? `?${search}` : ''}`;
}

describe('every route under arbitrary input', () => {
  it('answers without a 5xx and logs no unhandled error', async () => {
    expect(routes.length).toBeGreaterThan(40);
    const hit = new Set<string>();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request(routes), async (r) => {
        const route = r.route;
        hit.add(`${route.method} ${route.path}`);
        const headers: Record<string, string> = {};
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.cookie !== undefined) headers.cookie = r.cookie;
        if (r.dpop !== undefined) headers.dpop = r.dpop;
        if (r.origin !== undefined) headers.origin = r.origin;
        const hasBody = route.method !== 'GET' && route.method !== 'HEAD';
        if (hasBody) headers['content-type'] = r.body.type;
        const response = await h.request(urlOf(route.path, r.params, r.query), {
          method: route.method,
          headers,
          ...(hasBody ? { body: r.body.text } : {}),
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500)
          throw new Error(
            `${route.method} ${route.path}: ${response.status} ${text.slice(0, 300)}`,
          );
      }),
      { numRuns: 1500, interruptAfterTimeLimit: 45_000 },
    );
    expect(h.logs.filter((l) => /unhandled error|console error/.test(l))).toEqual([]);
    // The runs reached (nearly) every route.
    expect(hit.size).toBeGreaterThan(routes.length * 0.8);
    // ...and got past the parsers, not only refusals.
    expect(
      [...statuses.keys()].filter((s) => s < 400).length,
      JSON.stringify([...statuses]),
    ).toBeGreaterThan(1);
  }, 90_000);
});
