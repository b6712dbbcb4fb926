import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino removes from every log line, wherever they appear. Secrets are also never
 * passed to the logger in the first place; this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'agent_secret',
  '*.agent_secret',
  'client_secret',
  '*.client_secret',
  'secret',
  '*.secret',
  'code',
  '*.code',
  'code_verifier',
  '*.code_verifier',
  // A database error carries the statement's parameters: hashes, proofs, bearer digests.
  'params',
  '*.params',
  'proof',
  '*.proof',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'token',
  '*.token',
  'request_id',
  '*.request_id',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** The key names those paths end in: a key of an object one level down matches `*.name`. */
const REDACTED_KEYS = new Set(REDACTED_PATHS.map((path) => path.slice(path.lastIndexOf('.') + 1)));

/** Whether redaction could change `record`'s keys (its own, not nested deeper). */
export function hasRedactedKey(record: Record<string, unknown>): boolean {
  for (const key of Object.keys(record)) if (REDACTED_KEYS.has(key)) return true;
  return false;
}

const BASE = { service: 'auth-agent' };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: BASE,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/**
 * A logger writing to the same stream as `logger` without the redaction pass, for lines whose
 * every key the server fixes (the line per request; a security event whose details have no
 * key that a redacted path names, hasRedactedKey): redaction could not change them, and the
 * pass cost about as much as writing the line itself (bench/ANALYSIS.md, "Sixth round").
 * Any other line goes through `logger`.
 */
export function fixedFieldsLogger(logger: Logger): Logger {
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  return pino(
    { level: logger.level, base: BASE, timestamp: pino.stdTimeFunctions.isoTime },
    stream,
  );
}
