import type { z } from 'zod';
import type { Config } from '../config/load.js';
import type { SecurityEventInput } from '../security/events.js';
import type { SqlDriver } from '../storage/driver.js';

/**
 * One `auth-agent` command that works on the database. Its command line is parsed here, in
 * the CLI's process (`prepare`); its `step` runs wherever the database is open: in this
 * process, or, when `serve` holds the embedded database, inside that server, which gets the
 * prepared input over the control socket (control-socket.ts). So the input is plain JSON,
 * and the server checks it again with `input`.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's name in help: EMAIL, ID, URI. */
  value?: string;
  multiple?: boolean;
  /** Checked when the command line is parsed, and shown without brackets in help. */
  required?: boolean;
  help: string;
}

export interface CommandLine {
  values: Record<string, string | boolean | string[] | undefined>;
  positional: string | undefined;
}

export interface StepContext {
  db: SqlDriver;
  config: Config;
}

export interface StepOutcome {
  result: unknown;
  /** Recorded in the security log with the CLI as actor. */
  event?: SecurityEventInput | undefined;
  /** One line for the operator, printed on stderr (never a secret). */
  notice?: string | undefined;
}

export interface Column {
  header: string;
  value(row: Record<string, unknown>): string;
}

export interface CommandSpec<Input> {
  /** Two words: "agent delete". */
  name: string;
  summary: string;
  positional?: { name: string; help: string };
  options?: Record<string, OptionSpec>;
  /** Further help: what the output holds, what the command breaks. */
  details?: string;
  /** A list command: a table unless --json (every other command prints JSON). */
  table?: Column[];
  /** Only `migrate` may create a new embedded database; the others need an existing one. */
  createsDatabase?: boolean;
  /**
   * Opens the database instead of plain `openDatabase`: with the command's options (migrate
   * --roles-only), or from a backup (restore, which refuses a data dir a server holds).
   */
  open?(config: Config, input: Input): Promise<SqlDriver>;
  input: z.ZodType<Input>;
  prepare(line: CommandLine): Input | Promise<Input>;
  step(ctx: StepContext, input: Input): Promise<StepOutcome>;
  /** Adds to the printed result what only the CLI's process knows (a generated password). */
  present?(result: unknown, input: Input): unknown;
}

/** A command with its input type erased, so that one table can hold them all. */
export interface Command
  extends Omit<CommandSpec<unknown>, 'input' | 'prepare' | 'step' | 'present' | 'open'> {
  open?(config: Config, input: unknown): Promise<SqlDriver>;
  prepare(line: CommandLine): Promise<unknown>;
  /** Checks `input` against the command's schema first: it may come from the socket. */
  step(ctx: StepContext, input: unknown): Promise<StepOutcome>;
  present(result: unknown, input: unknown): unknown;
}

export function defineCommand<Input>(spec: CommandSpec<Input>): Command {
  const { open } = spec;
  return {
    ...spec,
    prepare: async (line) => spec.prepare(line),
    open: open && ((config, input) => open(config, spec.input.parse(input))),
    step: (ctx, input) => spec.step(ctx, spec.input.parse(input)),
    present: (result, input) =>
      spec.present ? spec.present(result, spec.input.parse(input)) : result,
  };
}
