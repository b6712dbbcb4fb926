import { afterAll, beforeAll, describe } from 'vitest';
import { registerAuthJsInterop } from './authjs.js';
import { registerBetterAuthInterop } from './better-auth.js';
import { registerOauth4webapiInterop } from './oauth4webapi.js';
import { registerOpenidClientInterop } from './openid-client.js';
import { registerPassportInterop } from './passport.js';
import { INTEROP_PORTS, type InteropServer, startInteropServer } from './support.js';

// Third-party OAuth clients against one real server per backend: a fresh database costs
// seconds, and each client registers its own website and agent on it.
let server: InteropServer | undefined;
const getServer = (): InteropServer => {
  if (!server) throw new Error('the interop server did not start');
  return server;
};

beforeAll(async () => {
  server = await startInteropServer(INTEROP_PORTS.server);
});
afterAll(() => server?.close());

describe('openid-client', () => registerOpenidClientInterop(getServer));
describe('oauth4webapi', () => registerOauth4webapiInterop(getServer));
describe('Better Auth', () => registerBetterAuthInterop(getServer));
describe('Auth.js', () => registerAuthJsInterop(getServer));
describe('Passport', () => registerPassportInterop(getServer));
