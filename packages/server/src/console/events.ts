import type { Logger } from 'pino';

/**
 * A one-function sink for security-relevant console events. The security log subscribes
 * by passing its own implementation to createConsole; every event is also logged.
 */
export interface SecurityEvents {
  emit(event: string, detail: Record<string, unknown>): void;
}

export function loggingEvents(logger: Logger, next?: SecurityEvents): SecurityEvents {
  return {
    emit(event, detail) {
      logger.warn({ event, ...detail }, event);
      next?.emit(event, detail);
    },
  };
}

/** Event name for an owner reaching for an object that exists but is not theirs. */
export const RLS_VIOLATION_ATTEMPT = 'rls.violation_attempt';
