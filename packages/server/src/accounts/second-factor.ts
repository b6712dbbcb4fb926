import { randomBytes } from 'node:crypto';
import { sha256 } from '../crypto/digest.js';
import { SealedBox } from '../crypto/sealed-box.js';
import { base32, matchingStep, newTotpSecret, otpauthUri } from '../crypto/totp.js';
import type { ServerContext } from '../server-context.js';
import { SecondFactorStore } from '../storage/second-factor-store.js';

/** Recovery codes per enrolment; each works once. */
export const RECOVERY_CODE_COUNT = 10;
/** 16 base32 characters (80 bits), shown as four groups of four. */
const RECOVERY_CODE = /^[A-Z2-7]{16}$/;

/**
 * The console's second factor (TOTP, RFC 6238): the secret is sealed under
 * KEY_ENCRYPTION_KEY (as signing keys are, crypto/sealed-box.ts) with the user's id as its
 * label, so a database dump yields no secret and a sealed secret moved to another account
 * does not open. The database decides replay, lockout and sessions (functions/15-accounts.sql).
 */
export class SecondFactor {
  readonly store: SecondFactorStore;
  private readonly box: SealedBox;

  constructor(private readonly ctx: ServerContext) {
    this.store = new SecondFactorStore(ctx.db, ctx.principalStore);
    this.box = new SealedBox(ctx.secrets.keyEncryptionKey, 'console-totp');
  }

  /** A new secret, sealed for the database, and the URI an authenticator app imports. */
  newSecret(userId: string, email: string) {
    const secret = newTotpSecret();
    return {
      sealed: this.box.seal(secret, userId),
      uri: otpauthUri(this.issuerLabel(), email, secret),
      text: base32(secret).replace(/(.{4})(?=.)/g, '$1 '),
    };
  }

  /** The URI and text of a pending (sealed) secret, to show it again while enrolling. */
  describe(sealed: string, userId: string, email: string) {
    const secret = this.box.open(sealed, userId);
    if (!secret) return undefined;
    return {
      uri: otpauthUri(this.issuerLabel(), email, secret),
      text: base32(secret).replace(/(.{4})(?=.)/g, '$1 '),
    };
  }

  /** The time step `code` belongs to under this sealed secret, or null (wrong or unopenable). */
  step(sealed: string, userId: string, code: string): number | null {
    const secret = this.box.open(sealed, userId);
    return secret ? (matchingStep(secret, code, Date.now()) ?? null) : null;
  }

  /** What authenticator apps list the account under: the issuer's host. */
  private issuerLabel(): string {
    return `Auth Agent (${new URL(this.ctx.config.issuer).host})`;
  }
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    base32(randomBytes(10)).replace(/(.{4})(?=.)/g, '$1-'),
  );
}

/** How a recovery code is stored: SHA-256 of its canonical form; undefined if malformed. */
export function recoveryCodeHash(typed: string): string | undefined {
  const canonical = typed.toUpperCase().replace(/[\s-]/g, '');
  return RECOVERY_CODE.test(canonical) ? sha256(`recovery:${canonical}`) : undefined;
}
