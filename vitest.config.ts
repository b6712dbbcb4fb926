import { defineConfig } from 'vitest/config';

const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// The same server test files run twice: on embedded PGlite, and on a PostgreSQL server.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // `extends: true` makes each project inherit these timeouts.
    projects: [
      {
        extends: true,
        test: {
          name: 'embedded',
          include: ['packages/server/test/**/*.test.ts'],
          exclude: ['packages/server/test/**/*.postgres.test.ts'],
          env: { AUTH_AGENT_TEST_BACKEND: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['packages/server/test/**/*.test.ts'],
          exclude: ['packages/server/test/**/*.embedded.test.ts'],
          env: { AUTH_AGENT_TEST_BACKEND: 'postgres', TEST_POSTGRES_URL },
        },
      },
      {
        // The server suite again, on PostgreSQL databases first built by release 0.1.0's
        // migrations and upgraded by today's code (test/support/legacy-schema.ts).
        extends: true,
        test: {
          name: 'upgraded',
          include: ['packages/server/test/**/*.test.ts'],
          exclude: [
            'packages/server/test/**/*.embedded.test.ts',
            'packages/server/test/schema-upgrade.test.ts',
            'packages/server/test/architecture.test.ts',
          ],
          env: {
            AUTH_AGENT_TEST_BACKEND: 'postgres',
            TEST_POSTGRES_URL,
            AUTH_AGENT_TEST_SCHEMA_FROM: '0.1.0',
          },
        },
      },
      {
        // SDK tests start real servers on embedded PGlite; they do not depend on the backend.
        extends: true,
        test: {
          name: 'sdk',
          include: ['packages/sdk/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          globalSetup: ['packages/sdk/test/global-setup.ts'],
          env: { AUTH_AGENT_TEST_BACKEND: 'pglite' },
        },
      },
    ],
  },
});
