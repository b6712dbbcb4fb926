import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../src/cli/command-table.js';
import { main } from '../src/cli/main.js';
import { runCli } from './security-helpers.js';

/**
 * `--help` on every command of the table (so a command added later is covered too), run
 * in-process through the bin's entry point; one run of the real binary at the end.
 */
let out: string[];
let err: string[];

async function run(...argv: string[]) {
  out = [];
  err = [];
  const code = await main(argv);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)));
  // Help must not need a working configuration.
  vi.stubEnv('PORT', 'eighty');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('auth-agent --help', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s --help explains the command, its arguments and every flag',
    async (name, command) => {
      const help = await run(...name.split(' '), '--help');
      expect(help.code).toBe(0);
      expect(help.stdout.startsWith(`Usage: auth-agent ${name}`)).toBe(true);
      expect(help.stdout).toContain(command.summary);
      if (command.positional) expect(help.stdout).toContain(command.positional.help);
      for (const [flag, spec] of Object.entries(command.options ?? {})) {
        expect(help.stdout).toContain(`--${flag}`);
        expect(help.stdout.replace(/\s+/g, ' ')).toContain(spec.help);
      }
      expect(help.stdout).toMatch(/--json/);
      expect(help.stdout).toMatch(/-h, --help/);
      expect((await run('help', ...name.split(' '))).stdout).toBe(help.stdout);
      expect((await run(...name.split(' '), '-h')).stdout).toBe(help.stdout);
    },
  );

  it.each(COMMANDS.map((c) => [c.name]))('%s refuses an unknown flag, naming it', async (name) => {
    const refused = await run(...name.split(' '), '--no-such-flag');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--no-such-flag/);
    expect(refused.stderr).toContain(`Usage: auth-agent ${name}`);
  });

  it('lists every command, and each group its own', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const help = await run(flag);
      expect(help.code).toBe(0);
      for (const command of COMMANDS) expect(help.stdout).toContain(command.name);
      expect(help.stdout).toContain('serve');
    }
    const agent = await run('agent', '--help');
    expect(agent.stdout).toContain('agent rotate-secret');
    expect(agent.stdout).not.toContain('client create');
    expect((await run('website', '--help')).stdout).toContain('client delete');
    expect((await run('serve', '--help')).stdout).toMatch(/AUTH_AGENT_DATA_DIR[\s\S]*DATABASE_URL/);
  });

  it('says what is wrong with a command line', async () => {
    expect(await run('agent')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Give a command after "agent"/),
    });
    expect(await run('agent', 'frob')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Unknown command "agent frob"/),
    });
    expect(await run('agent', 'create', '--owner')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--owner/),
    });
    expect(await run('agent', 'create', '--owner', 'a@example.com')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--email is required/),
    });
    expect(await run('agent', 'delete')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Give the ID/),
    });
    expect(await run('agent', 'delete', 'a', 'b')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/"b"/),
    });
    expect(await run('serve', 'now')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/serve takes no arguments/),
    });
  });

  it('explains --label and --name of agent create in the real binary', async () => {
    const help = await runCli(['agent', 'create', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--label LABEL\s+The agent’s name in the console/);
    expect(help.stdout).toMatch(/--name NAME\s+The person’s name websites receive/);
  });
});
