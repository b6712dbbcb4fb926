/**
 * Child process: what signing and verifying one access token costs with each algorithm the
 * server can be set to (SIGNING_ALG), made the way the server makes them: signed by its
 * signJwt (node:crypto, tokens/jws.ts) and verified by jose's jwtVerify, with CryptoKeys
 * imported once and not extractable (tokens/key-ring.ts), an RFC 9068 header and claims of
 * the server's shape. Each is measured one at a time (latency) and with as many in flight as
 * libuv has threads (WebCrypto verification runs there). Prints one JSON line.
 */
import { randomBytes } from 'node:crypto';
import { signJwt } from '@auth-agent/server/dist/tokens/jws.js';
import { importHmacKey } from '@auth-agent/server/dist/tokens/key-material.js';
import { generateKeyPair, jwtVerify } from 'jose';

type Alg = 'HS256' | 'ES256' | 'EdDSA' | 'RS256';
const ALGS: Alg[] = ['HS256', 'ES256', 'EdDSA', 'RS256'];
const seconds = Number(process.argv[2] ?? '2');
const inFlight = Math.max(2, Number(process.env.UV_THREADPOOL_SIZE ?? 4));

async function keysFor(alg: Alg): Promise<{ sign: CryptoKey; verify: CryptoKey }> {
  if (alg === 'HS256') {
    const key = await importHmacKey(randomBytes(48));
    return { sign: key, verify: key };
  }
  const pair = await generateKeyPair(alg, { extractable: false });
  return { sign: pair.privateKey, verify: pair.publicKey };
}

function claims() {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://auth.bench.example',
    sub: 'aa_agent_bench',
    aud: 'aa_client_bench',
    client_id: 'aa_client_bench',
    scope: 'openid profile email',
    model: 'bench-model',
    gid: '00000000-0000-4000-8000-000000000000',
    jti: randomBytes(16).toString('base64url'),
    iat,
    exp: iat + 3600,
  };
}

/** Operations per second over `seconds`, `parallel` at a time. */
async function rate(operation: () => Promise<unknown>, parallel: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await operation();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: parallel }, worker));
  return done / ((performance.now() - started) / 1000);
}

const results = [];
for (const alg of ALGS) {
  const keys = await keysFor(alg);
  const header = { alg, typ: 'at+jwt', kid: 'bench' } as const;
  // Synchronous: a promise only so that it runs under the same harness as verification.
  const sign = async () => signJwt(header, claims(), keys.sign);
  const tokens = await Promise.all(Array.from({ length: 64 }, sign));
  let next = 0;
  const verify = () => jwtVerify(tokens[next++ % tokens.length] ?? '', keys.verify);
  const signSerial = await rate(sign, 1);
  const verifySerial = await rate(verify, 1);
  results.push({
    alg,
    signMicros: 1e6 / signSerial,
    verifyMicros: 1e6 / verifySerial,
    signPerSecond: await rate(sign, inFlight),
    verifyPerSecond: await rate(verify, inFlight),
    tokenBytes: tokens[0]?.length ?? 0,
  });
}
process.stdout.write(`${JSON.stringify({ inFlight, seconds, results })}\n`);
