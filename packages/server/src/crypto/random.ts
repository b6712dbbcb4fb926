import { randomBytes } from 'node:crypto';

/** 256 bits of CSPRNG output, base64url: used for every bearer value and identifier. */
export function randomToken(bytes = 32): string {
  if (bytes < 16) throw new RangeError('random values must carry at least 128 bits');
  return randomBytes(bytes).toString('base64url');
}

/** A readable, prefixed identifier; the random part alone has 128 bits. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}
