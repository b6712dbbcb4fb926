/**
 * Email addresses as identities (console accounts, agent owners, the per-email rate limit and
 * lockout). One form for each address: Unicode NFKC, no surrounding space, lower case, so
 * "Alice@Example.com " and "alice@example.com" are one account and one counter.
 */
const EMAIL = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,255}$/u;

export function normalizeEmail(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

/** A plausible address (the only real check is the confirmation mail), at most 320 chars. */
export function isEmail(value: string): boolean {
  return value.length <= 320 && EMAIL.test(value);
}
