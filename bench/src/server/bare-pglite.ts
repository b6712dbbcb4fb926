/**
 * Child process: PGlite alone on a data directory, doing the kind of lookups the server
 * does, for the RSS baseline that the server's own RSS is compared with. Prints one JSON line.
 */
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { rssOf } from './rss.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: bare-pglite <data dir>');
const db = await PGlite.create(join(dataDir, 'pglite'));
for (let i = 0; i < 2000; i++) {
  await db.query('SELECT count(*) FROM grants WHERE id = $1', [
    '00000000-0000-0000-0000-000000000000',
  ]);
  await db.query('SELECT * FROM refresh_tokens WHERE token_hash = $1', [`missing-${i}`]);
}
process.stdout.write(
  `${JSON.stringify({ rss: rssOf(process.pid), peak: rssOf(process.pid, 'VmHWM') })}\n`,
);
await db.close();
