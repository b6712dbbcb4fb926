import type { Context, MiddlewareHandler } from 'hono';
import type { ClientCredentials } from '../auth/client.js';
import { clientCredentials } from './client-credentials.js';
import { bodyParams, type Params, queryParams } from './params.js';

export type ParamSource = 'query' | { allowJson: boolean; preferJson?: boolean };

/**
 * A request's parameters and client credentials, each parsed once and kept on the context:
 * the rate limiter reads the identity from them before the endpoint runs, and the endpoint
 * gets the same result (or the same error) without parsing the body again.
 */
export class RequestInput {
  private paramsOnce: Promise<Params> | undefined;
  private clientOnce: Promise<ClientCredentials> | undefined;

  constructor(
    private readonly c: Context,
    private readonly from: ParamSource,
  ) {}

  params(): Promise<Params> {
    this.paramsOnce ??=
      this.from === 'query'
        ? Promise.resolve().then(() => queryParams(this.c))
        : bodyParams(this.c, this.from);
    return this.paramsOnce;
  }

  client(): Promise<ClientCredentials> {
    this.clientOnce ??= this.params().then((params) =>
      clientCredentials(this.c.req.header('authorization'), params),
    );
    return this.clientOnce;
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    requestInput: RequestInput;
  }
}

/** Attaches a RequestInput reading parameters from the query or the body. */
export function requestInput(from: ParamSource): MiddlewareHandler {
  return async (c, next) => {
    c.set('requestInput', new RequestInput(c, from));
    await next();
  };
}

export function inputOf(c: Context): RequestInput {
  const input = c.get('requestInput');
  if (!input) throw new Error('requestInput() middleware is missing on this route');
  return input;
}
