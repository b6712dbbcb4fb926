import { parseArgs } from 'node:util';
import type { Command, CommandLine, OptionSpec } from './command.js';
import { UsageError } from './usage-error.js';

type ParseOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/** Flags every command takes, besides its own. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: 'Print JSON (list commands print a table otherwise).' },
  help: { type: 'boolean', help: 'Show this help.' },
};

/**
 * Parses a command's arguments strictly: an unknown flag, a missing value, a stray argument
 * is a usage error naming it. `--help` anywhere wins over everything else.
 */
export function parseCommandLine(command: Command, args: string[]): CommandLine | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  const options: ParseOptions = {};
  for (const [name, spec] of Object.entries({ ...command.options, ...COMMON_OPTIONS }))
    options[name] = { type: spec.type, multiple: spec.multiple === true };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals } = parsed;
  const expected = command.positional ? 1 : 0;
  if (positionals.length > expected)
    throw new UsageError(`Unexpected argument "${positionals[expected]}".`);
  if (command.positional && positionals.length === 0)
    throw new UsageError(`Give the ${command.positional.name}.`);
  const values = parsed.values as CommandLine['values'];
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    const value = values[name];
    if (
      spec.required &&
      (value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
    )
      throw new UsageError(`--${name} is required.`);
  }
  return { values, positional: positionals[0] };
}

/** A string option that must be there and not empty. */
export function required(line: CommandLine, name: string): string {
  const value = line.values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}

export function optional(line: CommandLine, name: string): string | undefined {
  const value = line.values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function positional(line: CommandLine): string {
  return line.positional ?? '';
}
