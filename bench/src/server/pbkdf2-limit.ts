/**
 * Child process: how many PBKDF2-SHA256 verifications per second this machine's cores do
 * at the configured iteration count, with as many in flight as libuv has threads (the
 * server's own bound). Prints one JSON line.
 */
import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);
const iterations = Number(process.argv[2] ?? '100000');
const seconds = Number(process.argv[3] ?? '5');
const inFlight = Math.max(2, Number(process.env.UV_THREADPOOL_SIZE ?? 4));

const salt = randomBytes(16);
const deadline = performance.now() + seconds * 1000;
let done = 0;
async function worker() {
  while (performance.now() < deadline) {
    await derive('aa_sk_bench-secret', salt, iterations, 32, 'sha256');
    done++;
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: inFlight }, worker));
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ iterations, inFlight, perSecond: done / elapsed })}\n`);
