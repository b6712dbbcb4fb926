import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { writeBackup } from '../operations/backup.js';
import { openRestored, restoredSummary } from '../operations/restore.js';
import { defineCommand } from './command.js';
import { required } from './command-line.js';

/**
 * Backup and restore of the embedded database (docs/operations.md). PostgreSQL has its own
 * tools, pg_dump and pg_restore; these commands say so.
 */
export const backup = defineCommand({
  name: 'backup',
  summary: 'Write a consistent snapshot of the embedded database to a new file',
  options: {
    out: {
      type: 'string',
      value: 'FILE',
      required: true,
      help: 'The file to write; must not exist.',
    },
  },
  details:
    'Taken by the running server while it serves (through its control socket), or by this ' +
    'command when none runs; the server writes FILE (mode 0600). It holds every account, agent, ' +
    'website, grant and the signing keys, sealed under KEY_ENCRYPTION_KEY: keep that key (or the ' +
    "data directory's key-encryption-key file) apart from the backups, both are needed to restore. " +
    'The data directory lock and the control socket are not in it. PostgreSQL: use pg_dump.',
  // The server may run in another directory: the path is made absolute here.
  input: z.object({ out: z.string().min(1).refine(isAbsolute, 'an absolute path') }),
  prepare: (line) => ({ out: resolve(required(line, 'out')) }),
  step: ({ db }, input) => writeBackup(db, input.out),
});

export const restore = defineCommand({
  name: 'restore',
  summary: 'Restore a backup into a new embedded data directory (AUTH_AGENT_DATA_DIR)',
  options: {
    from: {
      type: 'string',
      value: 'FILE',
      required: true,
      help: 'A file `auth-agent backup` wrote.',
    },
    force: {
      type: 'boolean',
      help: 'Replace the database of a data directory that has one (no server may hold it).',
    },
  },
  details:
    'Refused while a server holds the data directory, and for a directory that is not empty ' +
    "unless --force. Needs the backed-up server's KEY_ENCRYPTION_KEY (set it, or copy its " +
    'key-encryption-key file into the new data directory first); a key that does not open the ' +
    'signing keys restores nothing. Tokens issued before the backup keep working. Then start ' +
    '`auth-agent serve` on the directory. PostgreSQL: use pg_restore (docs/operations.md).',
  createsDatabase: true,
  input: z.object({ from: z.string().min(1), force: z.boolean() }),
  prepare: (line) => ({ from: resolve(required(line, 'from')), force: line.values.force === true }),
  open: (config, input) => openRestored(config, input.from, input.force),
  step: ({ db }, input) => restoredSummary(db, input.from),
});
