import type { MachineInfo } from '../machine.js';
import type { BenchOptions } from '../options.js';
import type { BackendResult, BenchResults, Measured } from '../results.js';
import { judgeTargets } from './targets.js';

const MB = 2 ** 20;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '—');

const TITLES: Record<string, string> = {
  'signin-warm': 'Full sign-in, warm (flows)',
  'signin-cold': 'Full sign-in, cold (flows)',
  refresh: 'Refresh grant with rotation',
  introspection: 'Introspection of a valid access token',
  userinfo: 'Userinfo',
  'discovery-jwks': 'Discovery and JWKS',
  'flood-signin': 'Full sign-in, warm, during a flood of wrong secrets',
  'flood-refresh': 'Refresh grant during a flood of wrong secrets',
};

/** `database: false` where no PostgreSQL server is involved (PGlite, oidc-provider). */
function row(label: string, m: Measured, database = true): string {
  const errors = m.errors > 0 ? `${m.errors} (${m.firstError?.slice(0, 80)})` : '0';
  const cpu = m.cpuMs
    ? `${m.cpuMs.server.toFixed(2)} / ${database ? Math.max(0, m.cpuMs.postgres).toFixed(2) : '—'} / ${m.cpuMs.loadGenerator.toFixed(2)}`
    : '—';
  return `| ${label} | ${m.concurrency} | ${m.rate.toFixed(1)} | ${ms(m.latency.p50)} | ${ms(m.latency.p99)} | ${mb(m.rss.perProcess)} | ${mb(m.rss.total)} | ${cpu} | ${errors} |`;
}

const HEADER = [
  '| scenario | concurrency | per second | p50 ms | p99 ms | peak RSS, largest process | peak RSS, all processes | CPU ms per op: server / PostgreSQL / load generator | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];

/** How the server answered the floods (scenarios/flood.ts) behind the flood-* figures. */
function floodNotes(b: BackendResult): string[] {
  const notes = b.scenarios.flatMap((s) =>
    s.runs.flatMap((m) =>
      m.flood
        ? [
            `- ${TITLES[s.scenario] ?? s.scenario}, c=${m.concurrency}: ${m.flood.connections} attackers, ${m.flood.rate.toFixed(0)} wrong secrets/s answered: ${Object.entries(
              m.flood.statuses,
            )
              .map(([status, count]) => `${count} × ${status}`)
              .join(', ')}`,
          ]
        : [],
    ),
  );
  if (notes.length === 0) return [];
  return [
    'Floods (wrong secrets from a new address each, half for made-up client ids, half for the real client; 503 is the hashing budget refusing at once, 401 a checked or locked-out guess):',
    '',
    ...notes,
    '',
  ];
}

function backendSection(b: BackendResult): string[] {
  const lines = [
    `### Auth Agent on ${b.backend === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}${b.workers > 1 ? ` (WORKERS=${b.workers})` : ''}`,
    '',
    ...HEADER,
  ];
  const pg = b.backend === 'postgres';
  for (const crash of b.crashes ?? [])
    lines.splice(2, 0, `**Server crash during this run:** ${crash}`, '');
  for (const s of b.scenarios)
    for (const m of s.runs) lines.push(row(TITLES[s.scenario] ?? s.scenario, m, pg));
  lines.push('', ...floodNotes(b));
  if (b.pbkdf2)
    lines.push(
      `PBKDF2 limit measured just before and just after the cold sign-ins (server idle), the higher of the two: ${b.pbkdf2.perSecond.toFixed(1)} verifications/s.`,
      '',
    );
  if (b.barePglite) {
    lines.push(
      `Bare PGlite on the same data directory, same run: ${mb(b.barePglite.peak)} peak RSS` +
        (b.barePgliteSeeded ? `; ${mb(b.barePgliteSeeded.peak)} after the growth seed.` : '.'),
      `Server lifetime peak RSS (VmHWM, largest process): ${mb(b.serverHwm)}.`,
      '',
    );
  }
  if (b.growth) {
    const g = b.growth;
    lines.push(
      `Growth: ${g.tokens.toLocaleString('en')} refresh tokens (in ${Math.ceil(g.tokens / 4).toLocaleString('en')} grants) seeded with generate_series in ${g.seedSeconds.toFixed(1)} s; concurrency ${g.concurrency}.`,
      '',
      ...HEADER,
      row('introspection, empty', g.empty.introspection, pg),
      row(`introspection, ${g.tokens.toLocaleString('en')} tokens`, g.seeded.introspection, pg),
      row('refresh, empty', g.empty.refresh, pg),
      row(`refresh, ${g.tokens.toLocaleString('en')} tokens`, g.seeded.refresh, pg),
      '',
    );
  }
  if (b.profile) lines.push(b.profile, '');
  return lines;
}

function peerRows(b: BackendResult, version: string): string[] {
  const peer = b.peer;
  if (!peer) return [];
  const lines = [
    `oidc-provider ${version} (memory adapter), each figure taken right after ours at the same concurrency:`,
    '',
    ...HEADER,
    ...peer.refresh.map((m) => row('oidc-provider: refresh grant with rotation', m, false)),
    ...peer.introspection.map((m) => row('oidc-provider: introspection', m, false)),
    '',
    '| ours / theirs, requests per second | ' +
      peer.refresh.map((m) => `c=${m.concurrency}`).join(' | ') +
      ' |',
    `| --- | ${peer.refresh.map(() => '---:').join(' | ')} |`,
  ];
  for (const [scenario, theirs] of [
    ['refresh', peer.refresh],
    ['introspection', peer.introspection],
  ] as const) {
    const ours = b.scenarios.find((s) => s.scenario === scenario)?.runs;
    if (!ours) continue;
    const cells = theirs.map((t) => {
      const o = ours.find((m) => m.concurrency === t.concurrency);
      return o ? `${(o.rate / t.rate).toFixed(2)}×` : '—';
    });
    lines.push(`| ${scenario} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

function instancesSection(results: BenchResults): string[] {
  if (results.instances.length === 0) return [];
  const lines = [
    '### Separate instances on one PostgreSQL database (docs/scaling.md)',
    '',
    'Each instance is its own `auth-agent serve` process (WORKERS=1) on its own port with its own pool; the load generator sends requests round-robin with no stickiness, so the four steps of a sign-in land on different instances.',
    '',
    ...HEADER,
  ];
  for (const r of results.instances)
    for (const s of r.scenarios)
      for (const m of s.runs)
        lines.push(row(`${r.instances} instance(s): ${TITLES[s.scenario] ?? s.scenario}`, m));
  lines.push('');
  return lines;
}

/** What signing and verifying one access token costs, per SIGNING_ALG. */
function signingSection(results: BenchResults): string[] {
  const cost = results.signing;
  if (!cost) return [];
  return [
    '### Token signing and verification',
    '',
    `One RFC 9068 access token, signed and verified the way the server does it (jose, CryptoKeys imported once): one at a time, and ${cost.inFlight} in flight (WebCrypto runs on the libuv thread pool); ${cost.seconds} s each.`,
    '',
    '| algorithm | sign µs | verify µs | signs per second | verifications per second | token bytes |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...cost.results.map(
      (r) =>
        `| ${r.alg} | ${r.signMicros.toFixed(0)} | ${r.verifyMicros.toFixed(0)} | ${r.signPerSecond.toFixed(0)} | ${r.verifyPerSecond.toFixed(0)} | ${r.tokenBytes} |`,
    ),
    '',
  ];
}

/** bench/RESULTS.md: machine, command, every figure, and each target met or missed. */
export function renderResults(
  results: BenchResults,
  options: BenchOptions,
  machine: MachineInfo,
): string {
  const verdicts = judgeTargets(results);
  const lines = [
    options.smoke
      ? '# Auth Agent benchmark — smoke run (no thresholds)'
      : '# Auth Agent benchmark results',
    '',
    `- Date: ${machine.date}`,
    `- Command: \`${machine.command}\``,
    `- Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB memory, Node ${machine.node}`,
    `- Load average (1, 5, 15 min) when the measurements started: ${machine.loadAverage.map((l) => l.toFixed(2)).join(', ')} (it includes the build that \`npm run bench\` runs first; anything else running shares the cores)`,
    `- Each figure: ${options.warmupMs / 1000} s warm-up, then ${options.durationMs / 1000} s measured, closed loop; latency per request (per whole flow for sign-ins). CPU ms per op: CPU time of the server processes, of the PostgreSQL backends connected to the bench database (see ANALYSIS.md for a caveat) and of the load generator during the run, divided by completed operations (PGlite runs inside the server process, so its work is in the server column).`,
    `- PBKDF2 limit: ${results.pbkdf2.perSecond.toFixed(1)} verifications/s at ${results.pbkdf2.iterations.toLocaleString('en')} iterations (${results.pbkdf2.inFlight} in flight on the thread pool)`,
    `- Token signing: SIGNING_ALG=${options.signingAlg ?? 'ES256'} on the server (costs per algorithm below)`,
    `- Total time: ${results.totalSeconds.toFixed(0)} s`,
    '',
    ...(options.profile
      ? []
      : ['## Targets', '', '| target | measured | verdict |', '| --- | --- | --- |']),
    ...(options.profile ? [] : verdicts).map(
      (v) =>
        `| ${v.target} | ${v.measured} | ${v.met === undefined ? '—' : v.met ? '**met**' : '**missed** ([why](ANALYSIS.md))'} |`,
    ),
    '',
    'Where the time goes, what was changed (with before/after measurements) and what would close each missed target: [ANALYSIS.md](ANALYSIS.md); the server under `--cpu-prof`: [PROFILE.md](PROFILE.md).',
    '',
    '## Figures',
    '',
    ...signingSection(results),
  ];
  for (const b of results.backends)
    lines.push(...backendSection(b), ...peerRows(b, results.peerVersion ?? '?'));
  lines.push(...instancesSection(results));
  return `${lines.join('\n')}\n`;
}
