import { randomFillSync } from 'node:crypto';

/**
 * CSPRNG output is drawn from a 4 KiB buffer refilled in one call, instead of one
 * `randomBytes` call per value (a visible share of the hot paths' CPU in the benchmark's
 * profile). Each slice is used once and zeroed as soon as it has been encoded, so the
 * buffer never keeps a value that was handed out.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

function encoded(bytes: number, encoding: 'base64url' | 'hex'): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + bytes);
  offset += bytes;
  const text = slice.toString(encoding);
  slice.fill(0);
  return text;
}

/** 256 bits of CSPRNG output, base64url: used for every bearer value and identifier. */
export function randomToken(bytes = 32): string {
  if (bytes < 16) throw new RangeError('random values must carry at least 128 bits');
  if (bytes > 1024) throw new RangeError('ask for at most 1024 bytes at a time');
  return encoded(bytes, 'base64url');
}

/** A readable, prefixed identifier; the random part alone has 128 bits. */
export function randomId(prefix: string): string {
  return `${prefix}_${encoded(16, 'hex')}`;
}
