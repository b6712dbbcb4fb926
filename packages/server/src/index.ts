/**
 * The server as a library: start it in-process (tests, demos, embedding) with the same
 * pieces the `auth-agent` CLI uses.
 */

export { provisionAgent, provisionClient, provisionUser } from './accounts/provisioning.js';
export { type Config, ConfigError, loadConfig } from './config/load.js';
export { settings } from './config/settings.js';
export { createApp } from './http/app.js';
export { createLogger } from './logger.js';
export { createServerContext } from './server-context.js';
export { type RunningServer, startServer } from './start-server.js';
export { openDatabase } from './storage/open.js';
