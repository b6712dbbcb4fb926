import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

// Checks the published shape: subpath exports resolve to built ESM with types, and the
// runtime dependencies stay limited to jose and oauth4webapi.
describe('@auth-agent/sdk package', () => {
  it('exposes agent, website, resource-server and react subpaths that load as ESM', async () => {
    const agent = await import('@auth-agent/sdk/agent');
    const website = await import('@auth-agent/sdk/website');
    const resourceServer = await import('@auth-agent/sdk/resource-server');
    const react = await import('@auth-agent/sdk/react');
    expect(typeof agent.AuthAgent).toBe('function');
    expect(typeof agent.requestIdFrom).toBe('function');
    expect(typeof agent.DPoPKey.generate).toBe('function');
    expect(typeof agent.createDPoPFetch).toBe('function');
    expect(typeof resourceServer.createResourceServer).toBe('function');
    expect(typeof resourceServer.MemoryReplayStore).toBe('function');
    expect(typeof website.discover).toBe('function');
    expect(typeof website.honoBearerAuth).toBe('function');
    expect(typeof react.AuthAgentButton).toBe('function');
  });

  it('declares types for every subpath and only jose and oauth4webapi at run time', async () => {
    const manifest = JSON.parse(
      await readFile(new URL('../package.json', import.meta.url), 'utf8'),
    ) as {
      type: string;
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      exports: Record<string, { types?: string; import?: string }>;
    };
    expect(manifest.type).toBe('module');
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['jose', 'oauth4webapi']);
    expect(Object.keys(manifest.peerDependencies)).toEqual(['react']);
    for (const subpath of ['./agent', './website', './resource-server', './react']) {
      const entry = manifest.exports[subpath];
      expect(entry?.types).toMatch(/\.d\.ts$/);
      expect(entry?.import).toMatch(/\.js$/);
      await expect(readFile(new URL(`../${entry?.types}`, import.meta.url))).resolves.toBeTruthy();
    }
  });
});
