import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './consumer-project.js';

/**
 * The docs' programs that packed-install.test.ts runs, by marker name. Each is the ```ts
 * block right after `<!-- packed-example: NAME -->` in the given file (from the repository
 * root), so the test runs what a reader copies, not a copy of it.
 */
export const DOCS_EXAMPLES = {
  'readme-agent': 'packages/sdk/README.md',
  'readme-website': 'packages/sdk/README.md',
  'agents-playwright': 'docs/agents.md',
} as const;

export type DocsExampleName = keyof typeof DOCS_EXAMPLES;

/** The code of the ```ts block that follows `<!-- packed-example: name -->`. */
export function codeBlockAfterMarker(markdown: string, name: string): string {
  const marker = `<!-- packed-example: ${name} -->`;
  const at = markdown.indexOf(marker);
  if (at < 0) throw new Error(`The docs have no "${marker}".`);
  if (markdown.indexOf(marker, at + marker.length) >= 0)
    throw new Error(`The docs have "${marker}" twice.`);
  const block = /^\s*```ts\n([\s\S]*?)\n```/.exec(markdown.slice(at + marker.length));
  if (!block?.[1]) throw new Error(`"${marker}" is not followed by a \`\`\`ts code block.`);
  return block[1];
}

/** Reads one marked example from the docs. */
export async function readDocsExample(name: DocsExampleName): Promise<string> {
  const markdown = await readFile(join(REPO_ROOT, DOCS_EXAMPLES[name]), 'utf8');
  return codeBlockAfterMarker(markdown, name);
}

/**
 * Puts the test's values in place of the docs' placeholders (the example issuer, website
 * and Chromium path). Every placeholder must be there: a renamed one would otherwise leave
 * the example pointing at example.com and fail far from the cause.
 */
export function substitutePlaceholders(
  code: string,
  values: Record<string, string>,
  name: string,
): string {
  let substituted = code;
  for (const [placeholder, value] of Object.entries(values)) {
    if (!substituted.includes(placeholder))
      throw new Error(
        `The docs' "${name}" example no longer contains ${placeholder}; update the test's placeholders.`,
      );
    substituted = substituted.replaceAll(placeholder, value);
  }
  return substituted;
}
