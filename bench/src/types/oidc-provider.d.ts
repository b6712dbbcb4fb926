// oidc-provider ships no type declarations; this is the small part the bench touches.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface Saveable {
    save(): Promise<string>;
  }
  interface GrantModel extends Saveable {
    addOIDCScope(scope: string): void;
  }
  interface ClientModel {
    clientId: string;
  }
  interface TokenInit {
    accountId: string;
    client: ClientModel;
    grantId: string;
    scope: string;
    gty: string;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    Client: { find(id: string): Promise<ClientModel | undefined> };
    Grant: new (init: {
      accountId: string;
      clientId: string;
    }) => GrantModel;
    RefreshToken: new (
      init: TokenInit,
    ) => Saveable;
    AccessToken: new (
      init: TokenInit,
    ) => Saveable;
  }
}

declare module 'oidc-provider/lib/helpers/lru.js' {
  export default class LRU {
    constructor(options: { maxSize: number });
  }
}

declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  import type LRU from 'oidc-provider/lib/helpers/lru.js';
  export default class MemoryAdapter {
    constructor(model: string, store: LRU, clockTolerance?: number);
  }
}
