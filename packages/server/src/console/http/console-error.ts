/**
 * Console failures rendered as HTML pages by the console's error handler. Messages are
 * fixed texts written here, never echoes of input or secrets.
 */
export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 429,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${status} ${title}`);
  }
}

export const consoleError = {
  notFound: () =>
    new ConsoleError(404, 'Not found', 'There is nothing here, or it is not yours to see.'),
  forbidden: (detail: string) => new ConsoleError(403, 'Not allowed', detail),
  badRequest: (detail: string) => new ConsoleError(400, 'Something is wrong with the form', detail),
  csrf: () =>
    new ConsoleError(
      403,
      'This form has expired',
      'The form was sent from another site or its security token is missing or stale. Go back, reload the page and try again.',
    ),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Object ids in console URLs are UUIDs; anything else is a plain 404. */
export function objectId(raw: string | undefined): string {
  if (!raw || !UUID.test(raw)) throw consoleError.notFound();
  return raw.toLowerCase();
}
