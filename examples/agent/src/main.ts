import { runAgent } from './agent.js';

// `npm start -w @auth-agent/example-agent` with the settings in the environment.
function need(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`example-agent: set ${name}`);
    process.exit(2);
  }
  return value;
}

const reading = await runAgent({
  websiteUrl: need('WEBSITE_URL'),
  issuer: need('AUTH_AGENT_ISSUER'),
  agentId: need('AUTH_AGENT_ID'),
  agentSecret: need('AUTH_AGENT_SECRET'),
  model: process.env.AGENT_MODEL ?? 'example-model',
  screenshotsDir: process.env.SCREENSHOTS_DIR,
  log: (line) => console.log(line),
});
console.log(JSON.stringify(reading, null, 2));
