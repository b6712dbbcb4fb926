import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Harness, HttpTarget } from './harness.js';
import { ISSUER } from './harness.js';

/** A strong password for tests (not on the common list, not built from the email). */
export function strongPassword(): string {
  return `Tq7!${randomBytes(12).toString('base64url')}`;
}

/**
 * One browser talking to the console: a cookie jar, and the CSRF token of the last page
 * it loaded (read from the hidden `csrf` field, as a browser would submit it).
 */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();
  csrf: string | undefined;
  lastHtml = '';

  constructor(
    private readonly h: HttpTarget,
    private readonly origin: string = ISSUER,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The token of the page's main form: the last one (the first is the log-out button's). */
  private readCsrf() {
    const tokens = [...this.lastHtml.matchAll(/name="csrf" value="([^"]+)"/g)];
    const token = tokens.at(-1)?.[1];
    if (token) this.csrf = token;
  }

  async get(path: string): Promise<Response> {
    const response = await this.h.request(path, {
      headers: { cookie: this.cookieHeader() },
      redirect: 'manual',
    });
    this.remember(response);
    this.lastHtml = await response.clone().text();
    this.readCsrf();
    return response;
  }

  /** Posts a form like a browser on the console's page would (Origin + CSRF token). */
  async post(
    path: string,
    fields: Record<string, string> = {},
    options: { origin?: string | null; csrf?: string | null } = {},
  ): Promise<Response> {
    const body = new URLSearchParams(fields);
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf !== null && csrf !== undefined) body.set('csrf', csrf);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: this.cookieHeader(),
    };
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin !== null) headers.origin = origin;
    const response = await this.h.request(path, {
      method: 'POST',
      headers,
      body: body.toString(),
      redirect: 'manual',
    });
    this.remember(response);
    this.lastHtml = await response.clone().text();
    this.readCsrf();
    return response;
  }

  /** Follows a 303 as a browser would (POST-redirect-GET); any other answer as it is. */
  async follow(response: Response): Promise<Response> {
    const location = response.headers.get('location');
    return response.status === 303 && location ? this.get(location) : response;
  }
}

/** A log-in from a fresh browser: the response (303 on success). */
export async function consoleLogin(
  h: HttpTarget,
  email: string,
  password: string,
): Promise<Response> {
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/login');
  return browser.post('/console/login', { email, password });
}

export interface ConsoleUser {
  browser: ConsoleBrowser;
  email: string;
  password: string;
}

let counter = 0;

/** Signs up through the console and returns the logged-in browser. */
export async function signUp(h: Harness, email?: string): Promise<ConsoleUser> {
  const address = email ?? `user${++counter}-${randomBytes(4).toString('hex')}@example.com`;
  const password = strongPassword();
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/signup');
  const response = await browser.post('/console/signup', { email: address, password });
  if (response.status !== 303)
    throw new Error(`sign-up failed: ${response.status} ${browser.lastHtml}`);
  await browser.get('/console');
  return { browser, email: address, password };
}

/** The last development-outbox mail's link to `path` sent to `to`. */
export function mailedLink(h: Harness, to: string, path = '/console/verify-email'): string {
  const lines = h.logs.filter((l) => l.includes('"mail.outbox"') && l.includes(`"to":"${to}"`));
  const last = lines.at(-1);
  if (!last) throw new Error(`no mail to ${to}`);
  const body = String((JSON.parse(last) as { body: string }).body);
  const match = new RegExp(`${ISSUER}${path}\\?token=([A-Za-z0-9_-]+)`).exec(body);
  if (!match?.[1]) throw new Error('no link in mail');
  return match[1];
}

/** Extracts `<code id="...">value</code>` from a page (the one-time secrets). */
export function codeById(html: string, id: string): string {
  const value = new RegExp(`<code id="${id}">([^<]+)</code>`).exec(html)?.[1];
  if (!value) throw new Error(`no #${id} on the page`);
  return value;
}

/**
 * Runs SQL as the database superuser, to arrange or inspect state that the application
 * role must not reach (backdating sessions, counting rows behind RLS).
 */
export async function privileged<Row = Record<string, unknown>>(
  h: Harness,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  if (h.db.url) {
    const client = new pg.Client({ connectionString: h.db.url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as Row[];
    } finally {
      await client.end();
    }
  }
  return h.db.driver.transaction(async (tx) => {
    await tx.query('SET LOCAL ROLE postgres');
    return tx.query<Row>(text, params);
  });
}
