/** A setting the server cannot run with; the message names the variable and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
