import type { Command, OptionSpec } from './command.js';
import { COMMON_OPTIONS } from './command-line.js';
import { COMMANDS } from './command-table.js';

const WIDTH = 100;

/** Wraps `text` to WIDTH columns, each line after the first indented by `indent`. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent + line.length + word.length + 1 > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function rows(entries: Array<[string, string]>): string {
  const left = Math.max(...entries.map(([name]) => name.length)) + 2;
  return entries.map(([name, help]) => `  ${name.padEnd(left)}${wrap(help, left + 2)}`).join('\n');
}

function synopsis(command: Command): string {
  const parts = [command.name];
  if (command.positional) parts.push(command.positional.name);
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    const flag = spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`;
    parts.push(spec.required ? flag : `[${flag}]`);
  }
  return parts.join(' ');
}

const WHERE =
  'Storage: the embedded database in AUTH_AGENT_DATA_DIR (default ./data), through the running ' +
  'server while `serve` holds it; or PostgreSQL with DATABASE_URL (directly, servers may run). ' +
  'The storage and issuer used are named on stderr. Settings: docs/configuration.md.';

export function commandHelp(command: Command): string {
  const json = command.table
    ? 'Print JSON instead of the table.'
    : 'Print JSON (this command always does; every command takes the flag).';
  const all: Record<string, OptionSpec> = {
    ...command.options,
    ...COMMON_OPTIONS,
    json: { type: 'boolean', help: json },
  };
  const options: Array<[string, string]> = Object.entries(all).map(([name, spec]) => [
    `${name === 'help' ? '-h, ' : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`,
    spec.help,
  ]);
  return [
    `Usage: auth-agent ${synopsis(command)} [--json]`,
    '',
    wrap(`${command.summary}.`, 0),
    ...(command.positional
      ? ['', 'Arguments:', rows([[command.positional.name, command.positional.help]])]
      : []),
    '',
    'Options:',
    rows(options),
    ...(command.details ? ['', wrap(command.details, 0)] : []),
    '',
    wrap(WHERE, 0),
  ].join('\n');
}

export const SERVE_HELP = `Usage: auth-agent serve

${wrap(
  'Start the server (the default command): HTTP on HOST:PORT (127.0.0.1:8787), the console at ' +
    'ISSUER/console. Storage is the embedded database in AUTH_AGENT_DATA_DIR (./data), locked to ' +
    'this process, or PostgreSQL with DATABASE_URL. Every setting is an environment variable; ' +
    'see docs/configuration.md. While it holds the embedded database, the other commands run ' +
    'through it (a Unix socket in the data directory).',
  0,
)}`;

/** The overall usage, or one group's commands (`auth-agent agent --help`). */
export function overallHelp(group?: string): string {
  const shown = COMMANDS.filter((c) => !group || c.name.startsWith(`${group} `));
  const entries: Array<[string, string]> = shown.map((c) => [c.name, c.summary]);
  if (!group) entries.unshift(['serve', 'Start the server (the default)']);
  return [
    `Usage: auth-agent ${group ?? '<command>'} ${group ? '<command> ' : ''}[options]`,
    '',
    'Commands:',
    rows(entries),
    '',
    wrap(
      'Run `auth-agent <command> --help` for its options. Every command prints JSON on ' +
        'stdout (list commands print a table unless --json); `client` may also be written `website`.',
      0,
    ),
    '',
    wrap(WHERE, 0),
  ].join('\n');
}
