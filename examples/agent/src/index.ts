export { type AgentRunOptions, type DashboardReading, runAgent } from './agent.js';
export { launchChromium } from './chromium.js';
