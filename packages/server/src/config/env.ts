import { ConfigError } from './config-error.js';
import { type SettingName, settings } from './settings.js';

/** Reading one setting from the environment, with its default (settings.ts). */

export type Env = Record<string, string | undefined>;

export function read(env: Env, name: SettingName): string {
  const value = env[name];
  return value === undefined || value === '' ? settings[name].default : value;
}

export function integer(env: Env, name: SettingName, min: number, max: number): number {
  const raw = read(env, name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}").`);
  }
  return value;
}

export function flag(env: Env, name: SettingName): boolean {
  return ['1', 'true', 'yes'].includes(read(env, name).toLowerCase());
}

export function oneOf<T extends string>(env: Env, name: SettingName, allowed: readonly T[]): T {
  const raw = read(env, name);
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${raw}").`);
}
