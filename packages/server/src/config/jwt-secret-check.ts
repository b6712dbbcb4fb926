const PLACEHOLDER_SECRET = /change|secret|example|password|default|test/i;

/**
 * What is wrong with a JWT_SECRET, if anything. The HS256 key signs every access token and
 * wraps the stored signing keys, so a short or repetitive one is refused in every mode
 * (RFC 7518 §3.2: a key of at least the hash's size, 256 bits). Words that mark a copied
 * example value are refused in production only: there the value must be secret, in
 * development it must only be strong.
 */
export function jwtSecretProblem(secret: string | undefined, production: boolean) {
  const generate = 'generate one with `openssl rand -base64 48`';
  if (!secret) {
    return production ? `JWT_SECRET is not set; ${generate}.` : undefined;
  }
  if (Buffer.byteLength(secret) < 32)
    return `JWT_SECRET is shorter than 32 bytes; ${generate}${production ? '' : ', or unset it in development to have one generated'}.`;
  if (new Set(secret).size < 12)
    return `JWT_SECRET has fewer than 12 different characters, so it is not a random value; ${generate}.`;
  if (production && PLACEHOLDER_SECRET.test(secret))
    return `JWT_SECRET looks like a placeholder, not a random value; ${generate}.`;
  return undefined;
}
