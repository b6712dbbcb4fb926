import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors,
  jwtVerify,
} from 'jose';
import { sha256 } from '../crypto/digest.js';
import { oauthError } from '../errors.js';

/** Proof algorithms accepted (asymmetric only, RFC 9449 §4.3 check 5); discovery lists them. */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const;

/** A proof's iat may be this old, or this far ahead of our clock (RFC 9449 §11.1). */
const MAX_AGE_SECONDS = 300;
const MAX_AHEAD_SECONDS = 60;
const MAX_PROOF_LENGTH = 8192;

/** A proof that checked out; replay is left to the database call of the request. */
export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key (`cnf.jkt`). */
  jkt: string;
  /** Names this proof (its key and jti) among the proofs already seen. */
  replayKey: string;
  /** When the proof's iat window closes: it must be remembered until then. */
  replayUntil: Date;
}

export interface ProofTarget {
  method: string;
  /** The endpoint's path under the issuer, e.g. `/token`. */
  path: string;
  /** For a resource request: the access token the proof must name (`ath`). */
  accessToken?: string;
}

const refuse = oauthError.invalidDPoPProof;

/** The URL as RFC 9449 compares it: without query and fragment (§4.3 check 9). */
function comparable(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

/** RFC 9449 §4.3: checks a DPoP proof for one request. Throws invalid_dpop_proof (400). */
export class DPoPVerifier {
  constructor(private readonly issuer: string) {}

  async verify(proof: string, target: ProofTarget): Promise<VerifiedProof> {
    // One DPoP header: several arrive joined with commas, which a JWT never contains.
    if (proof.length > MAX_PROOF_LENGTH || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(proof))
      throw refuse('The DPoP header must be exactly one DPoP proof JWT.');
    const jwk = this.publicJwk(proof);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: [...DPOP_ALGORITHMS],
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError)
        throw refuse('The DPoP proof is not a valid dpop+jwt signed by its jwk.');
      throw error;
    }
    const { jti, htm, htu, iat, ath } = payload;
    if (typeof jti !== 'string' || jti.length < 1 || jti.length > 256)
      throw refuse('The DPoP proof needs a jti of at most 256 characters.');
    if (htm !== target.method) throw refuse(`The DPoP proof's htm must be ${target.method}.`);
    const expected = comparable(`${this.issuer}${target.path}`);
    if (typeof htu !== 'string' || comparable(htu) !== expected)
      throw refuse(`The DPoP proof's htu must be ${expected}.`);
    const now = Date.now() / 1000;
    if (typeof iat !== 'number' || iat < now - MAX_AGE_SECONDS || iat > now + MAX_AHEAD_SECONDS)
      throw refuse('The DPoP proof is too old or from the future (iat).');
    if (target.accessToken !== undefined && ath !== sha256(target.accessToken))
      throw refuse("The DPoP proof's ath does not match the access token.");
    const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
    return {
      jkt: thumbprint,
      replayKey: sha256(`${thumbprint}.${jti}`),
      replayUntil: new Date((iat + MAX_AGE_SECONDS + 1) * 1000),
    };
  }

  /** §4.3 check 6: the jwk header must be a public key (no private or symmetric parts). */
  private publicJwk(proof: string) {
    let jwk: unknown;
    try {
      jwk = decodeProtectedHeader(proof).jwk;
    } catch {
      throw refuse('The DPoP proof header cannot be read.');
    }
    if (typeof jwk !== 'object' || jwk === null || 'd' in jwk || 'k' in jwk)
      throw refuse('The jwk header of the DPoP proof must be a public key.');
    return jwk as Parameters<typeof calculateJwkThumbprint>[0];
  }
}
