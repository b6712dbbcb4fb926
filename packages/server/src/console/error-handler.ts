import type { Context } from 'hono';
import { OAuthError } from '../errors.js';
import { asOAuthError } from '../http/error-response.js';
import { html } from '../views/html.js';
import type { ConsoleDeps } from './deps.js';
import { ConsoleError } from './http/console-error.js';
import type { ConsoleEnv } from './session/load-session.js';
import { LoginRequired } from './session/load-session.js';
import { page } from './views/shell.js';

/** Console errors are HTML pages with fixed texts; unexpected ones are logged and hidden. */
export function consoleErrorHandler(deps: ConsoleDeps) {
  return (thrown: Error, c: Context<ConsoleEnv>): Response => {
    const error = asOAuthError(thrown);
    if (error instanceof LoginRequired) return c.redirect('/console/login', 303);
    let status = 500;
    let title = 'Something went wrong';
    let detail = 'The server could not complete the request. Try again in a moment.';
    if (error instanceof ConsoleError) {
      ({ status, title, detail } = error);
    } else if (error instanceof OAuthError) {
      status = error.status;
      // Retry-After on a 429 or a 503, for one.
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      title = status === 503 ? 'Temporarily unavailable' : 'The request was refused';
      detail = error.description;
    } else {
      deps.ctx.logger.error({ err: error, path: c.req.path }, 'console error');
    }
    return page(c, {
      title,
      status,
      session: c.get('session'),
      body: html`<div class="narrow"><div class="card" role="alert"><h1>${title}</h1><p>${detail}</p>
<p><a href="/console">Back to the console</a></p></div></div>`,
    });
  };
}
