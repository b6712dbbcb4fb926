/**
 * React components for Auth Agent.
 *
 * @packageDocumentation
 */
export { AuthAgentButton, type AuthAgentButtonProps } from './auth-agent-button.js';
