import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Where a frame's code lives, coarsely: enough to say where the time goes. */
function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native (program)';
  if (url.includes('/packages/server/dist/')) return 'auth-agent server code';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return 'node core';
  return url === '' ? 'native/builtins' : 'other';
}

/** Finer than areaOf: the server's own file, or the node core module. */
function placeOf(frame: ProfileNode['callFrame']): string {
  const server = /\/packages\/server\/dist\/(.*)$/.exec(frame.url)?.[1];
  if (server) return `server ${server}`;
  const core = /^node:(?:internal\/)?(?:deps\/)?([^/]+)/.exec(frame.url)?.[1];
  if (core) return `node:${core}`;
  return areaOf(frame);
}

function shortUrl(url: string): string {
  return url.replace(/^.*\/(node_modules|packages)\//, '$1/').replace(/^file:\/\//, '');
}

/**
 * Summarises every .cpuprofile in `dir` (one per server process): self time by area and the
 * hottest functions, as a Markdown fragment for RESULTS.md.
 */
export function summariseProfiles(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return undefined;
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const samples = profile.samples?.length ?? 0;
    if (samples === 0) continue;
    const msPerSample = (profile.endTime - profile.startTime) / 1000 / samples;
    addInclusive(profile, msPerSample, inclusive);
    for (const node of profile.nodes) {
      const ms = (node.hitCount ?? 0) * msPerSample;
      if (ms === 0) continue;
      const area = areaOf(node.callFrame);
      byArea.set(area, (byArea.get(area) ?? 0) + ms);
      if (area === 'idle') continue;
      total += ms;
      const name = `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    }
  }
  const pct = (ms: number) => `${((100 * ms) / total).toFixed(1)}%`;
  const areas = [...byArea].filter(([a]) => a !== 'idle').sort((a, b) => b[1] - a[1]);
  const hottest = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15);
  const stacks = [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 40);
  return [
    `CPU profile of the server (${files.length} process profile(s); ${(total / 1000).toFixed(1)} s of busy CPU, idle excluded).`,
    '',
    '| area (self time) | share |',
    '| --- | ---: |',
    ...areas.slice(0, 12).map(([area, ms]) => `| ${area} | ${pct(ms)} |`),
    '',
    '| hottest functions (self time) | share |',
    '| --- | ---: |',
    ...hottest.map(([name, ms]) => `| \`${name.replace(/\|/g, '\\|')}\` | ${pct(ms)} |`),
    '',
    '| where (inclusive: a sample counts for every place on its stack) | share |',
    '| --- | ---: |',
    ...stacks.map(([area, ms]) => `| ${area} | ${pct(ms)} |`),
  ].join('\n');
}

/** Time under each area anywhere on the stack: what removing that area's work could save. */
function addInclusive(profile: CpuProfile, msPerSample: number, into: Map<string, number>): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const walk = (node: ProfileNode, above: ReadonlySet<string>) => {
    const here = new Set(above).add(placeOf(node.callFrame));
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (ms > 0 && !here.has('idle')) for (const a of here) into.set(a, (into.get(a) ?? 0) + ms);
    for (const id of node.children ?? []) {
      const child = byId.get(id);
      if (child) walk(child, here);
    }
  };
  for (const node of profile.nodes) if (!childIds.has(node.id)) walk(node, new Set());
}
