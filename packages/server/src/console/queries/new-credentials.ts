import { randomBytes } from 'node:crypto';

/**
 * Same shapes as the CLI's (services/provisioning.ts): a recognisable prefix for secret
 * scanners, 128 random bits in public ids and 256 in secrets.
 */
export function newAgentId(): string {
  return `agent_${randomBytes(16).toString('hex')}`;
}

export function newClientId(): string {
  return `client_${randomBytes(16).toString('hex')}`;
}

export function newAgentSecret(): string {
  return `aa_sk_${randomBytes(32).toString('base64url')}`;
}

export function newClientSecret(): string {
  return `aa_cs_${randomBytes(32).toString('base64url')}`;
}
