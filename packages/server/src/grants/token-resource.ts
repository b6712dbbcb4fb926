import { type Params, repeatedValues } from '../http/params.js';
import { checkedResources } from '../oauth/resource-indicators.js';

/**
 * RFC 8707 §2.2: the one resource a token request may name, for which the access token is
 * issued; undefined when it names none.
 */
export function tokenResource(params: Params): string | undefined {
  return checkedResources(repeatedValues(params, 'resource'), 1)[0];
}
