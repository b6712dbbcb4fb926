import { Pool } from 'undici';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Keep-alive connection pools, one connection per concurrent client, so every virtual
 * client behaves like a real one holding its own connection. With several origins (several
 * instances) requests go round-robin, one after the other, like a load balancer without
 * sticky sessions: the steps of one sign-in land on different instances.
 */
export class HttpClient {
  private readonly pools: Pool[];
  private turn = 0;

  constructor(origins: string[], connections: number) {
    this.pools = origins.map(
      (origin) =>
        new Pool(origin, {
          connections,
          pipelining: 1,
          keepAliveTimeout: 60_000,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        }),
    );
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const pool = this.pools[this.turn++ % this.pools.length] as Pool;
    const response = await pool.request({
      method: request.method ?? 'GET',
      path: request.path,
      // The TLS-terminating proxy's header: production refuses plain-http requests otherwise.
      headers: { 'x-forwarded-proto': 'https', ...request.headers },
      body: request.body ?? null,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  }

  /** Sends and insists on one status; a benchmark that counts errors as work is lying. */
  async expect(request: HttpRequest, status: number): Promise<HttpResponse> {
    const response = await this.send(request);
    if (response.status !== status) {
      throw new Error(
        `${request.method ?? 'GET'} ${request.path.split('?')[0]} answered ${response.status}, expected ${status}: ${response.text.slice(0, 200)}`,
      );
    }
    return response;
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.close()));
  }
}

export function basicAuth(clientId: string, secret: string): string {
  const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

export function json<T>(response: HttpResponse): T {
  return JSON.parse(response.text) as T;
}
