import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  date: string;
  command: string;
  loadAverage: number[];
  freeMemoryGiB: number;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export function describeMachine(argv: string[]): MachineInfo {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    date: new Date().toISOString(),
    command: [
      ...(process.env.BENCH_PORT ? [`BENCH_PORT=${process.env.BENCH_PORT}`] : []),
      ...(process.env.DATABASE_URL ? [`DATABASE_URL=${redact(process.env.DATABASE_URL)}`] : []),
      'npm run bench',
      ...(argv.length > 0 ? ['--', ...argv] : []),
    ].join(' '),
    loadAverage: loadavg(),
    freeMemoryGiB: freemem() / 2 ** 30,
  };
}
