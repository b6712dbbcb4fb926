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
 * every key the server fixes (the line per request, a security event without details): they
 * name nothing a caller sent under a key that redaction could catch, and the pass cost about
 * as much as writing the line itself (bench/ANALYSIS.md, "Sixth round"). A line with any
 * free-form part goes through `logger`.
 */
export function fixedFieldsLogger(logger: Logger): Logger {
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  return pino(
    { level: logger.level, base: BASE, timestamp: pino.stdTimeFunctions.isoTime },
    stream,
  );
}
