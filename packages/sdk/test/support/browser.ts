/**
 * The browser's half of the flow over plain HTTP: a cookie jar of one cookie (the server's
 * browser binding), GET /authorize, then GET /api/check-status for the redirect.
 */
export interface HttpBrowser {
  /** Opens the authorization URL; returns the sign-in page HTML. */
  open(authorizationUrl: URL | string): Promise<string>;
  /** Polls check-status once with the binding cookie; returns the redirect (callback) URL. */
  redirectFor(issuer: string, requestId: string): Promise<string>;
}

export function httpBrowser(): HttpBrowser {
  let cookie = '';
  return {
    async open(authorizationUrl) {
      const response = await fetch(authorizationUrl, { redirect: 'manual' });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) cookie = setCookie.split(';')[0] ?? '';
      if (response.status !== 200) throw new Error(`GET /authorize answered ${response.status}`);
      return response.text();
    },
    async redirectFor(issuer, requestId) {
      const url = `${issuer}/api/check-status?request_id=${encodeURIComponent(requestId)}`;
      const response = await fetch(url, { headers: { cookie } });
      const body = (await response.json()) as { redirect_to?: string };
      if (!body.redirect_to) throw new Error('check-status gave no redirect');
      return body.redirect_to;
    },
  };
}
