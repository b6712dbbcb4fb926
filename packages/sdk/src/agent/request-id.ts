import { AuthAgentError } from '../shared/errors.js';
import type { PlaywrightPageLike } from './page.js';

/** Shape of a sign-in request id: the server issues 43 base64url characters. */
export const REQUEST_ID = /^[A-Za-z0-9_-]{16,256}$/;

// Patterns for the three places the sign-in page exposes the id. Attribute values are
// HTML-escaped by the server, and a valid id contains no character that needs escaping.
const FROM_SCRIPT = /window\.authRequest\s*=[^;]*?"request_id"\s*:\s*"([^"\\]+)"/;
const FROM_META = [
  /<meta\s[^>]*name=["']auth-agent-request-id["'][^>]*content=["']([^"']+)["']/i,
  /<meta\s[^>]*content=["']([^"']+)["'][^>]*name=["']auth-agent-request-id["']/i,
];
const FROM_DATA = /\sdata-request-id=["']([^"']+)["']/i;

function valid(candidate: string | undefined | null): string | undefined {
  return candidate && REQUEST_ID.test(candidate) ? candidate : undefined;
}

function fromHtml(html: string): string | undefined {
  const patterns = [FROM_SCRIPT, ...FROM_META, FROM_DATA];
  for (const pattern of patterns) {
    const found = valid(pattern.exec(html)?.[1]);
    if (found) return found;
  }
  return undefined;
}

function fromUrl(url: URL): string | undefined {
  return valid(url.searchParams.get('request_id'));
}

function looksLikeUrl(text: string): boolean {
  return /^https?:\/\//i.test(text.trim()) && !text.includes('<');
}

function notFound(): AuthAgentError {
  return new AuthAgentError(
    'request_id_not_found',
    'No Auth Agent sign-in request id was found (window.authRequest, the auth-agent-request-id meta tag, or a data-request-id attribute).',
  );
}

/** Runs inside the browser page; must be self-contained because Playwright serialises it. */
function readInPage(): string | null {
  const w = window as unknown as { authRequest?: { request_id?: unknown } };
  const fromScript = w.authRequest?.request_id;
  if (typeof fromScript === 'string') return fromScript;
  const meta = document.querySelector('meta[name="auth-agent-request-id"]');
  const fromMeta = meta?.getAttribute('content');
  if (fromMeta) return fromMeta;
  return document.querySelector('[data-request-id]')?.getAttribute('data-request-id') ?? null;
}

/**
 * Reads the request id from a live page, or returns undefined when the page has none
 * (yet). Navigation in progress is treated as "none yet".
 *
 * @param page - a Playwright page (or anything with the same `evaluate`)
 */
export async function readRequestIdFromPage(page: PlaywrightPageLike): Promise<string | undefined> {
  try {
    return valid(await page.evaluate(readInPage));
  } catch {
    return undefined;
  }
}

/**
 * Finds the sign-in request id in the agent sign-in page's HTML, in a URL carrying a
 * `request_id` parameter, or in a live Playwright page. It looks at `window.authRequest`,
 * then the `<meta name="auth-agent-request-id">` tag, then a `data-request-id` attribute.
 *
 * Finding an id says nothing about who served the page: {@link AuthAgent.signIn} also
 * checks the page's origin before sending the secret.
 *
 * @param source - HTML text, a URL (string or `URL`), or a Playwright page
 * @returns the request id (a promise of it for a page)
 * @throws {@link AuthAgentError} with code `request_id_not_found`
 *
 * @example
 * ```ts
 * const html = await (await fetch(authorizeUrl)).text();
 * const requestId = requestIdFrom(html);
 * ```
 */
export function requestIdFrom(source: string | URL): string;
export function requestIdFrom(source: PlaywrightPageLike): Promise<string>;
export function requestIdFrom(source: string | URL | PlaywrightPageLike): string | Promise<string> {
  if (source instanceof URL) {
    const found = fromUrl(source);
    if (!found) throw notFound();
    return found;
  }
  if (typeof source === 'string') {
    const found = looksLikeUrl(source) ? fromUrl(new URL(source.trim())) : fromHtml(source);
    if (!found) throw notFound();
    return found;
  }
  return readRequestIdFromPage(source).then((found) => {
    if (!found) throw notFound();
    return found;
  });
}
