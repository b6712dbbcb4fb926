// Regenerates docs/configuration.md from the one typed config module (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { settings } from '../packages/server/dist/config/settings.js';

const rows = Object.entries(settings).map(
  ([name, s]) =>
    `| \`${name}\` | ${s.default === '' ? '(empty)' : `\`${s.default}\``} | ${s.doc.replace(/\|/g, '\\|')} |`,
);
const text = `# Configuration

Every setting is an environment variable, read once at start by
\`packages/server/src/config/load.ts\`. An unsafe production configuration (\`NODE_ENV=production\`)
is refused at start with a message naming each problem; in every mode a weak \`KEY_ENCRYPTION_KEY\` or \`JWT_SECRET\`, a
\`DATABASE_URL\` that is not \`postgres://\`, a port in use and an unreachable PostgreSQL server are
refused at once, naming the setting to change. Regenerate this page with
\`npm run build && node scripts/config-doc.mjs\`.

| Variable | Default | What it does |
|---|---|---|
${rows.join('\n')}
`;
writeFileSync(new URL('../docs/configuration.md', import.meta.url), text);
