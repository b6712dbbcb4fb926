import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Child, spawnNode } from '../server/child.js';

const SCRIPT = fileURLToPath(new URL('./oidc-provider-server.js', import.meta.url));

export interface RunningPeer {
  child: Child;
  origin: string;
  clientId: string;
  clientSecret: string;
  refreshTokens: string[];
  accessTokens: string[];
}

/** Starts oidc-provider in its own process and collects the tokens it minted. */
export async function startPeer(port: number, tokens: number): Promise<RunningPeer> {
  const clientId = 'bench-client';
  const clientSecret = randomBytes(32).toString('base64url');
  const child = spawnNode(SCRIPT, [], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PEER_PORT: String(port),
      PEER_CLIENT_ID: clientId,
      PEER_CLIENT_SECRET: clientSecret,
      PEER_TOKENS: String(tokens),
    },
    stdout: 'pipe',
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.process.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve(buffered.slice(0, newline));
    });
    child.process.once('exit', (code) =>
      reject(new Error(`oidc-provider exited with ${code}: ${child.stderr()}`)),
    );
  });
  child.process.stdout?.resume();
  const parsed = JSON.parse(line) as { refresh: string[]; access: string[] };
  return {
    child,
    origin: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    refreshTokens: parsed.refresh,
    accessTokens: parsed.access,
  };
}
