/**
 * A consumer's file that imports every entry point of the package. Each `@ts-expect-error`
 * needs a real type error: if a path's types were missing or resolved to `any`, the
 * directive itself would fail the compile.
 */
export const EXPORTS_CHECK = `
import {
  AuthAgent,
  type AuthAgentOptions,
  isAuthAgentError,
  requestIdFrom,
} from '@auth-agent/sdk/agent';
import manifest from '@auth-agent/sdk/package.json' with { type: 'json' };
import { AuthAgentButton, type AuthAgentButtonProps } from '@auth-agent/sdk/react';
import {
  discover,
  refresh,
  type TokenSet,
  type WebsiteClientOptions,
} from '@auth-agent/sdk/website';

// @ts-expect-error the model is required
export const withoutModel: AuthAgentOptions = { issuer: 'https://a.example', agentId: 'a', agentSecret: 's' };
// @ts-expect-error the redirect URI is required
export const withoutRedirect: WebsiteClientOptions = { issuer: 'https://a.example', clientId: 'c' };
// @ts-expect-error href is required
export const withoutHref: AuthAgentButtonProps = {};
export const version: string = manifest.version;
export const renew = async (options: WebsiteClientOptions, token: string): Promise<TokenSet> =>
  refresh(await discover(options), token);
export const button = AuthAgentButton({ href: '/login' });
export { AuthAgent, isAuthAgentError, requestIdFrom };
`;
