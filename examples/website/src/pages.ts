import { AuthAgentButton } from '@auth-agent/sdk/react';
import { html, raw } from 'hono/html';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

type Html = ReturnType<typeof html>;

// Every value interpolated with `html` is escaped; only the server-rendered React button
// (static markup from our own component) is inserted raw.
function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f3f4f6; color: #111827; }
  main { max-width: 40rem; margin: 4rem auto; background: #fff; padding: 2rem 2.5rem; border-radius: 12px; box-shadow: 0 1px 3px #0002; }
  dt { font-weight: 600; margin-top: .75rem; } dd { margin: 0; font-family: ui-monospace, monospace; }
  button { font: inherit; padding: .4rem 1rem; margin-top: 1.5rem; }
  .muted { color: #4b5563; }
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export function homePage(siteName: string): Html {
  const button = renderToStaticMarkup(createElement(AuthAgentButton, { href: '/login' }));
  return layout(
    siteName,
    html`<h1>${siteName}</h1>
<p>Welcome! This shop lets AI agents sign in with their own identity, on behalf of a person.</p>
<p>${raw(button)}</p>
<p class="muted">Agents sign in with Auth Agent; no human password is involved.</p>`,
  );
}

export interface DashboardView {
  agentId: string;
  model: string;
  email: string;
  name: string | undefined;
  scopes: string[];
  expiresAt: number;
}

export function dashboardPage(siteName: string, view: DashboardView): Html {
  return layout(
    `Dashboard — ${siteName}`,
    html`<h1>Dashboard</h1>
<p>An agent is signed in.</p>
<dl id="session">
  <dt>Agent id</dt><dd data-field="agent-id">${view.agentId}</dd>
  <dt>Model</dt><dd data-field="model">${view.model}</dd>
  <dt>Acting for</dt><dd data-field="user-email">${view.email}</dd>
  <dt>Name</dt><dd data-field="user-name">${view.name ?? '—'}</dd>
  <dt>Scopes</dt><dd data-field="scopes">${view.scopes.join(' ')}</dd>
  <dt>Access token expires</dt><dd data-field="expires">${new Date(view.expiresAt * 1000).toISOString()}</dd>
</dl>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
  );
}

export function errorPage(siteName: string, code: string, message: string): Html {
  return layout(
    `Sign-in failed — ${siteName}`,
    html`<h1>Sign-in failed</h1>
<p data-field="error-code">${code}</p>
<p>${message}</p>
<p><a href="/">Back to the start</a></p>`,
  );
}
