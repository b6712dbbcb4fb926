import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMON_OPTIONS } from '../src/cli/command-line.js';
import { findCommand } from '../src/cli/command-table.js';

/**
 * docs/operations.md and SECURITY.md tell operators what to type: every `auth-agent …` they
 * show must be a command the CLI has, with flags it takes.
 */
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** Each `auth-agent word word --flag …` up to the end of its code span or line. */
function invocations(text: string): string[][] {
  const found =
    text.match(/(?<![\w/.-])auth-agent(?: [a-z][a-z-]*| --[a-z-]+| [A-Z]+| \|)+/g) ?? [];
  return found.map((line) => line.split(' ').slice(1));
}

describe.each(['docs/operations.md', 'SECURITY.md', 'README.md'])('%s', (path) => {
  it('names only commands and flags the CLI has', () => {
    const wrong: string[] = [];
    for (const words of invocations(read(path))) {
      // `auth-agent --help`, `auth-agent serve`, `auth-agent <command> --help`: not the table's.
      if (['serve', '<command>'].includes(words[0] ?? '') || words[0]?.startsWith('-')) continue;
      const found = findCommand(words.filter((w) => !w.startsWith('-')));
      if (!found) {
        wrong.push(words.join(' '));
        continue;
      }
      const flags = { ...found.command.options, ...COMMON_OPTIONS };
      for (const flag of words.filter((w) => w.startsWith('--')))
        if (!(flag.slice(2) in flags)) wrong.push(`${found.command.name} ${flag}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('docs/operations.md', () => {
  it('covers backups on both backends, upgrades, monitoring and the incident playbook', () => {
    const doc = read('docs/operations.md');
    for (const heading of [
      '## Backups',
      '### Embedded database',
      '### PostgreSQL',
      '## Upgrades',
      '## Monitoring',
      '## Outages and shutdown',
      '## Incident playbook',
    ])
      expect(doc).toContain(heading);
    for (const command of [
      'backup --out',
      'restore --from',
      'migrate --roles-only',
      'tokens revoke --all',
      'keys rotate --emergency',
      'sessions revoke --all',
      'agent rotate-secret',
      'client rotate-secret',
      'user unlock',
    ])
      expect(doc).toContain(`auth-agent ${command}`);
  });
});
