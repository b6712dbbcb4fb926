/** One line of the server's request log (packages/server/src/http/middleware.ts). */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

export interface RequestLog {
  /** A pino destination: the server writes one JSON line per log entry. */
  write(line: string): void;
  /** The requests logged since the last {@link RequestLog.clear}. */
  readonly requests: LoggedRequest[];
  clear(): void;
}

/** Collects the requests a test server answers, to see which calls a program made. */
export function requestLog(): RequestLog {
  let requests: LoggedRequest[] = [];
  return {
    write(line) {
      const entry = JSON.parse(line) as Partial<LoggedRequest> & { msg?: string };
      if (entry.msg === 'request' && entry.method && entry.path && entry.status)
        requests.push({ method: entry.method, path: entry.path, status: entry.status });
    },
    get requests() {
      return requests;
    },
    clear() {
      requests = [];
    },
  };
}
