/** A refusal: the HTTP answer a middleware sends instead of calling the route. */
export interface Refusal {
  status: 400 | 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

/** The part of an Express (or node:http) response the middlewares use. */
export interface ExpressResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** The refusal as a Web `Response` (fetch handlers, Hono). */
export function refusalResponse({ status, headers, body }: Refusal): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'Content-Type': 'application/json' },
  });
}

/** Writes the refusal to an Express or node:http response. */
export function sendRefusal(res: ExpressResponseLike, { status, headers, body }: Refusal): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}
