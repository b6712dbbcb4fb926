import { startWebsite } from './website.js';

// `npm start -w @auth-agent/example-website` with the settings in the environment.
function need(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`example-website: set ${name}`);
    process.exit(2);
  }
  return value;
}

const port = Number(process.env.PORT ?? 3000);
const site = await startWebsite(
  {
    issuer: need('AUTH_AGENT_ISSUER'),
    clientId: need('AUTH_AGENT_CLIENT_ID'),
    clientSecret: need('AUTH_AGENT_CLIENT_SECRET'),
    baseUrl: process.env.WEBSITE_URL ?? `http://127.0.0.1:${port}`,
    cookieSecret: need('COOKIE_SECRET'),
  },
  port,
);
console.log(`Example website on ${site.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void site.close());
