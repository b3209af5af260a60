import type { Config } from '../config.ts';

/** Platforms this build has an adapter for (the folders under `adapters/`). */
const BUILT = new Set(['slack', 'whatsapp', 'discord']);

/** Where each configured platform listens. */
const ON: Readonly<Record<string, string>> = {
  slack: 'on   /slack/events (or Socket Mode with SLACK_APP_TOKEN)',
  whatsapp: 'on   /webhooks/whatsapp',
  discord: 'on   gateway connection',
};

/** Human guidance for each platform that is off: what switches it on. */
const HOW_TO: Readonly<Record<string, string>> = {
  slack: 'staff triage desk in Slack',
  whatsapp: 'WhatsApp Cloud API customers',
  discord: 'Discord customers (DMs and support channels)',
  botframework: 'Bot Framework channel (/api/messages)',
};

/** Lines printed at startup saying which adapters are on and what turns the others on. */
export function describePlatforms(config: Config): string[] {
  const lines = [
    `  sandbox       ${config.sandbox ? 'on   POST /sandbox/messages, `npm run chat`' : 'off  set SANDBOX=on to enable'}`,
  ];
  for (const platform of config.platforms) {
    const label = platform.name.padEnd(13);
    const what = HOW_TO[platform.name] ?? platform.name;
    lines.push(
      platform.configured
        ? BUILT.has(platform.name)
          ? `  ${label} ${ON[platform.name] ?? 'on'}`
          : `  ${label} configured, but this build has no ${platform.name} adapter (${what})`
        : `  ${label} off  set ${platform.missing.join(', ')} for ${what}`,
    );
  }
  lines.push(
    `  store         ${config.redis.url ? `redis (prefix "${config.redis.prefix}")` : 'in-memory (set REDIS_URL for Redis)'}`,
  );
  lines.push(
    `  understanding ${config.openai ? `OpenAI (${config.openai.chatModel}) with local fallback` : 'local classifier and embeddings (set OPENAI_API_KEY for OpenAI)'}`,
  );
  return lines;
}
