import type { TestProject } from 'vitest/node';
import { CALLBACKS, PORTS } from './support/ports.js';
import { type ServerFixtures, startTestServer } from './support/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    authAgent: ServerFixtures;
  }
}

/**
 * Starts one real Auth Agent server for all SDK and example tests: creating an embedded
 * database costs seconds, and every test makes its own sign-in requests anyway.
 */
export default async function setup(project: TestProject) {
  const server = await startTestServer(PORTS.server, Object.values(CALLBACKS));
  const { close, ...fixtures } = server;
  project.provide('authAgent', fixtures);
  return close;
}
