const PLACEHOLDER_SECRET = /change|secret|example|password|default|test/i;

/**
 * What is wrong with a secret setting (KEY_ENCRYPTION_KEY, JWT_SECRET), if anything. A short
 * or repetitive one is refused in every mode (RFC 7518 §3.2: a key of at least the hash's
 * size, 256 bits; HKDF input of at least that too). Words that mark a copied example value
 * are refused in production only: there the value must be secret, in development it must
 * only be strong. An unset one is a problem in production only (development generates one).
 */
export function secretProblem(
  name: string,
  secret: string | undefined,
  production: boolean,
): string | undefined {
  const generate = 'generate one with `openssl rand -base64 48`';
  if (!secret) return production ? `${name} is not set; ${generate}.` : undefined;
  if (Buffer.byteLength(secret) < 32)
    return `${name} is shorter than 32 bytes; ${generate}${production ? '' : ', or unset it in development to have one generated'}.`;
  if (new Set(secret).size < 12)
    return `${name} has fewer than 12 different characters, so it is not a random value; ${generate}.`;
  if (production && PLACEHOLDER_SECRET.test(secret))
    return `${name} looks like a placeholder, not a random value; ${generate}.`;
  return undefined;
}
