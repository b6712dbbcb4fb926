import type { JWK } from 'jose';
import type { Logger } from 'pino';
import type { SigningAlg } from '../config/load.js';
import { sha256 } from '../crypto/digest.js';
import { DatabaseUnavailable } from '../storage/database-availability.js';
import type { SigningKeyStore, StoredSigningKey } from '../storage/signing-key-store.js';
import {
  generateSigningKey,
  type ImportedKey,
  importHmacKey,
  importStoredKey,
  type KeyBoxes,
} from './key-material.js';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  key: CryptoKey;
}

/** The published JWKS, serialised once per key set, with its entity tag. */
export interface PublishedKeys {
  body: string;
  etag: string;
}

/** A key of the set as the admin page shows it. */
export interface KeyDescription {
  kid: string;
  alg: SigningAlg;
  state: 'signing' | 'next' | 'retiring';
  /** Undefined for the JWT_SECRET key, which signed from the start. */
  activatesAt: Date | undefined;
  withdrawAt: Date | undefined;
}

interface UsableKey extends ImportedKey {
  kid: string;
  alg: SigningAlg;
  activatesAt: number;
  withdrawAt: number | undefined;
}

interface KeySet {
  /** Usable keys, the latest to activate first. */
  keys: UsableKey[];
  byKid: Map<string, UsableKey>;
  jwks: PublishedKeys;
  loadedAt: number;
  /** Loads are numbered as they start: an older load finishing late never replaces a newer one. */
  generation: number;
}

export interface KeyRingOptions {
  alg: SigningAlg;
  boxes: KeyBoxes;
  /** The JWT_SECRET key of an HS256 deployment: it signs while no stored key does. */
  envKey: { kid: string; secret: string } | undefined;
  /** Seconds the keys a first key replaces stay published (the longest token lifetime). */
  keepAfter: number;
  logger: Logger;
  /** How often the key set is read again (rotations by the CLI or another instance). */
  refreshMs?: number;
}

/**
 * The keys of access and ID tokens. Asymmetric deployments sign with the newest key of the
 * configured algorithm whose activation time has come, and verify with and publish every
 * live asymmetric key; HS256 deployments use their stored HS256 keys and the JWT_SECRET
 * key, and publish nothing. The set is read at start, then again in the background once
 * `refreshMs` has passed, so no request waits for the database; CryptoKeys are imported
 * once per kid.
 */
export class SigningKeyRing {
  private cached: KeySet | undefined;
  private loading: Promise<KeySet> | undefined;
  private readonly imported = new Map<string, Promise<ImportedKey | undefined>>();
  private readonly refreshMs: number;
  private generations = 0;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly options: KeyRingOptions,
  ) {
    this.refreshMs = options.refreshMs ?? 2_000;
  }

  private get asymmetric(): boolean {
    return this.options.alg !== 'HS256';
  }

  /** Loads the set, making the first key if there is none; the server calls it at start. */
  async ready(): Promise<void> {
    await this.reload();
  }

  /** Reads the set now, after a rotation made in this process (a load begun earlier may miss it). */
  async reload(): Promise<void> {
    this.adopt(await this.load());
  }

  async signingKey(): Promise<SigningKey> {
    const chosen = this.signer(await this.keySet());
    if (!chosen?.sign) throw new Error(`no usable ${this.options.alg} signing key`);
    return { kid: chosen.kid, alg: chosen.alg, key: chosen.sign };
  }

  async verificationKey(kid: string): Promise<SigningKey | undefined> {
    const found = (await this.keySet()).byKid.get(kid);
    return found && { kid, alg: found.alg, key: found.verify };
  }

  async jwks(): Promise<PublishedKeys> {
    return (await this.keySet()).jwks;
  }

  async describe(): Promise<KeyDescription[]> {
    const set = await this.keySet();
    const signer = this.signer(set);
    return set.keys.map((k) => ({
      kid: k.kid,
      alg: k.alg,
      state: k === signer ? 'signing' : k.activatesAt > Date.now() ? 'next' : 'retiring',
      activatesAt: Number.isFinite(k.activatesAt) ? new Date(k.activatesAt) : undefined,
      withdrawAt: k.withdrawAt === undefined ? undefined : new Date(k.withdrawAt),
    }));
  }

  /** The newest active key of the configured algorithm this instance can sign with. */
  private signer(set: KeySet): UsableKey | undefined {
    const now = Date.now();
    const mine = set.keys.filter((k) => k.alg === this.options.alg && k.sign);
    return mine.find((k) => k.activatesAt <= now) ?? mine[mine.length - 1];
  }

  private async keySet(): Promise<KeySet> {
    const cached = this.cached;
    if (!cached) return this.adopt(await this.loadOnce());
    if (Date.now() - cached.loadedAt >= this.refreshMs) {
      // Stale while revalidating: this request uses the set it has.
      this.loadOnce().then(
        (set) => this.adopt(set),
        // An outage is reported once, by the database's own monitor (database-availability.ts);
        // meanwhile the set in hand keeps signing, so a failed reload then is no error.
        (error: unknown) =>
          error instanceof DatabaseUnavailable
            ? this.options.logger.warn({ reason: error.reason }, 'signing keys: reload deferred')
            : this.options.logger.error({ err: error }, 'signing keys: reload failed'),
      );
    }
    return cached;
  }

  private adopt(set: KeySet): KeySet {
    if (!this.cached || set.generation > this.cached.generation) this.cached = set;
    return this.cached;
  }

  private loadOnce(): Promise<KeySet> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async usable(row: StoredSigningKey): Promise<UsableKey | undefined> {
    let imported = this.imported.get(row.kid);
    if (!imported) {
      // A row that cannot be imported is skipped, never allowed to stop the whole set loading.
      imported = importStoredKey(row, this.options.boxes).catch((error: unknown) => {
        this.options.logger.warn(
          { kid: row.kid, err: error },
          'signing keys: a key cannot be imported',
        );
        return undefined;
      });
      this.imported.set(row.kid, imported);
    }
    const key = await imported;
    return (
      key && {
        ...key,
        kid: row.kid,
        alg: row.alg,
        activatesAt: row.activatesAt.getTime(),
        withdrawAt: row.withdrawAt?.getTime(),
      }
    );
  }

  /** The live keys of this deployment's kind (asymmetric, or HS256), made usable. */
  private async usableKeys(rows: StoredSigningKey[]) {
    const live = rows.filter(
      (r) => r.live && r.wrappedKey && (r.alg === 'HS256') !== this.asymmetric,
    );
    const keys = (await Promise.all(live.map((r) => this.usable(r)))).filter(
      (k): k is UsableKey => k !== undefined,
    );
    const unreadable = live.filter((r) => !keys.some((k) => k.kid === r.kid && k.sign));
    return { keys, unreadable: unreadable.map((r) => r.kid) };
  }

  private async load(first = true): Promise<KeySet> {
    const generation = ++this.generations;
    const rows = await this.store.list();
    const { keys, unreadable } = await this.usableKeys(rows);
    const canSign = keys.some((k) => k.alg === this.options.alg && k.sign);
    if (this.asymmetric && !canSign && first) {
      const key = await generateSigningKey(this.options.alg, this.options.boxes.current);
      if (await this.store.ensure(key, this.options.keepAfter, unreadable))
        this.options.logger.info({ kid: key.kid, alg: key.alg }, 'signing keys: first key made');
      return this.load(false);
    }
    if (unreadable.length > 0)
      this.options.logger.warn(
        { kids: unreadable },
        'signing keys: some keys cannot be opened with this KEY_ENCRYPTION_KEY',
      );
    const env = await this.envKey(rows);
    if (env) keys.push(env);
    return this.keySetOf(keys, generation);
  }

  /** The JWT_SECRET key, unless a row without material says it was withdrawn or revoked. */
  private async envKey(rows: StoredSigningKey[]): Promise<UsableKey | undefined> {
    const env = this.options.envKey;
    const marker = env && rows.find((r) => r.kid === env.kid);
    if (!env || (marker && !marker.live)) return undefined;
    const key = await importHmacKey(new TextEncoder().encode(env.secret));
    return {
      kid: env.kid,
      alg: 'HS256',
      activatesAt: Number.NEGATIVE_INFINITY,
      withdrawAt: marker?.withdrawAt?.getTime(),
      verify: key,
      sign: key,
      publicJwk: undefined,
    };
  }

  private keySetOf(keys: UsableKey[], generation: number): KeySet {
    keys.sort((a, b) => b.activatesAt - a.activatesAt);
    const published = keys.flatMap((k) => (k.publicJwk ? [k.publicJwk] : [])) as JWK[];
    const body = JSON.stringify({ keys: published });
    return {
      keys,
      byKid: new Map(keys.map((k) => [k.kid, k])),
      jwks: { body, etag: `"${sha256(body).slice(0, 32)}"` },
      loadedAt: Date.now(),
      generation,
    };
  }
}
