/**
 * Every TCP port the SDK tests use, in one place (this area's range is 18100-18199), so
 * test files running in parallel never collide.
 */
export const PORTS = {
  /** The shared Auth Agent server started by global-setup.ts. */
  server: 18100,
  /** The redirect-URI host of agent.test.ts (nothing listens). */
  agentCallback: 18101,
  agentStub: 18102,
  agentElsewhere: 18103,
  /** Nothing ever listens here: "unreachable server". */
  unreachable: 18104,
  /** The stub website of playwright.test.ts. */
  browserWebsite: 18105,
  browserEvil: 18106,
  /** The redirect-URI host of website.test.ts (nothing listens). */
  websiteCallback: 18107,
  jwksServer: 18108,
  expressApp: 18109,
  /** The example website, in examples/website tests. */
  exampleWebsite: 18110,
  /** A phishing clone of the sign-in page, in examples/python-agent tests. */
  pythonEvil: 18111,
  /** The server of packed-install.test.ts (its own: short-lived access tokens, request log). */
  packedServer: 18112,
  /** The README's website, run from the packed tarball by packed-install.test.ts. */
  packedWebsite: 18113,
  /** A server that signs HS256 (SIGNING_ALG=HS256), in website.test.ts. */
  hs256Server: 18114,
} as const;

/** Redirect URIs registered for every test website. */
export const CALLBACKS = {
  agent: `http://127.0.0.1:${PORTS.agentCallback}/callback`,
  browser: `http://127.0.0.1:${PORTS.browserWebsite}/callback`,
  website: `http://127.0.0.1:${PORTS.websiteCallback}/callback`,
  example: `http://127.0.0.1:${PORTS.exampleWebsite}/callback`,
} as const;
