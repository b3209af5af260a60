import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { webApi } from '@slack/bolt';
import { parse, stringify } from 'yaml';
import type { Config } from '../config.ts';
import { BadRequestError } from '../errors.ts';

/**
 * `switchboard manifest`: prints `manifest.yml` with the request URLs of this
 * deployment filled in (or switched to Socket Mode), and validates or creates the
 * Slack app from it with an app configuration token.
 * @see https://docs.slack.dev/reference/app-manifest
 * @see https://docs.slack.dev/reference/methods/apps.manifest.create
 */

/** The manifest shipped with the repository. */
export const MANIFEST_PATH = resolve(import.meta.dirname, '../../manifest.yml');

/** Where Bolt serves events, interactivity and slash commands (one Request URL for all). */
const EVENTS_PATH = 'slack/events';

export type SlackManifest = Record<string, unknown>;

export interface ManifestOptions {
  /** Public base URL of this deployment, e.g. `https://bot.example.com`. */
  readonly url?: string;
  readonly socketMode?: boolean;
  readonly validate?: boolean;
  readonly create?: boolean;
  /** App configuration token (else `SLACK_CONFIG_TOKEN`). */
  readonly token?: string;
}

export interface ManifestIo {
  out(text: string): void;
  err(text: string): void;
}

export function loadManifest(path = MANIFEST_PATH): SlackManifest {
  return parse(readFileSync(path, 'utf8')) as SlackManifest;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const without = (record: Record<string, unknown>, key: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));

/** The events URL for a base URL (a path prefix is kept: `https://h/bot` → `https://h/bot/slack/events`). */
export function eventsUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new BadRequestError(
      `--url must be an absolute URL such as https://bot.example.com (got "${base}")`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadRequestError('--url must be an https:// URL (Slack only calls HTTPS request URLs)');
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return new URL(EVENTS_PATH, url).toString();
}

/**
 * The manifest with request URLs pointing at `url`, or in Socket Mode without any
 * request URL (Slack rejects URLs alongside Socket Mode for events). Pure: returns a copy.
 */
export function fillManifest(
  manifest: SlackManifest,
  options: Pick<ManifestOptions, 'url' | 'socketMode'>,
): SlackManifest {
  const copy = structuredClone(manifest);
  const settings = isRecord(copy.settings) ? copy.settings : {};
  copy.settings = settings;
  const events = isRecord(settings.event_subscriptions) ? settings.event_subscriptions : {};
  const interactivity = isRecord(settings.interactivity) ? settings.interactivity : {};
  const features = isRecord(copy.features) ? copy.features : {};
  const commands = Array.isArray(features.slash_commands) ? features.slash_commands.filter(isRecord) : [];
  if (options.socketMode) {
    settings.socket_mode_enabled = true;
    settings.event_subscriptions = without(events, 'request_url');
    settings.interactivity = without(interactivity, 'request_url');
    if (commands.length > 0)
      copy.features = { ...features, slash_commands: commands.map((c) => without(c, 'url')) };
    return copy;
  }
  if (options.url !== undefined) {
    const url = eventsUrl(options.url);
    settings.socket_mode_enabled = false;
    events.request_url = url;
    interactivity.request_url = url;
    for (const command of commands) command.url = url;
  }
  return copy;
}

interface ManifestApiError {
  readonly code?: string;
  readonly data?: {
    readonly error?: string;
    readonly errors?: readonly { message?: string; pointer?: string }[];
  };
}

function describeApiError(error: unknown): string[] {
  const e = (isRecord(error) ? error : {}) as ManifestApiError;
  if (e.code === 'slack_webapi_platform_error' && e.data?.error) {
    const details = (e.data.errors ?? []).map((d) => `  ${d.pointer ?? '/'}: ${d.message ?? 'invalid'}`);
    return [`Slack refused the manifest: ${e.data.error}`, ...details];
  }
  return [`Slack could not be reached: ${e.code ?? 'request failed'}`];
}

/**
 * Runs the command; returns the exit code. Without `--validate`/`--create` it prints
 * the YAML; with them it calls `apps.manifest.validate` / `apps.manifest.create`
 * (the API base is `SLACK_API_URL`, so tests point it at a fake).
 */
export async function runManifest(config: Config, options: ManifestOptions, io: ManifestIo): Promise<number> {
  let manifest: SlackManifest;
  try {
    if (options.url !== undefined && options.socketMode) {
      throw new BadRequestError('use either --url (HTTP request URLs) or --socket-mode, not both');
    }
    if (options.create && options.url === undefined && !options.socketMode) {
      throw new BadRequestError('--create needs --url https://your-host (or --socket-mode)');
    }
    manifest = fillManifest(loadManifest(), options);
  } catch (error) {
    if (error instanceof BadRequestError) {
      io.err(`switchboard manifest: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (!options.validate && !options.create) {
    if (options.url === undefined && !options.socketMode) {
      io.err('# request URLs use the placeholder host: pass --url https://your-host or --socket-mode');
    }
    io.out(stringify(manifest));
    return 0;
  }
  const token = options.token ?? config.slack.configToken;
  if (!token) {
    io.err(
      'switchboard manifest: an app configuration token is needed: set SLACK_CONFIG_TOKEN or pass --token',
    );
    return 1;
  }
  const client = new webApi.WebClient(token, {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  try {
    if (options.validate) {
      await client.apps.manifest.validate({ manifest: manifest as never });
      io.out('The manifest is valid.');
    }
    if (options.create) {
      const created = await client.apps.manifest.create({ manifest: manifest as never });
      io.out(`Created Slack app ${created.app_id ?? '(no id returned)'}.`);
      if (created.oauth_authorize_url) io.out(`Install it to your workspace: ${created.oauth_authorize_url}`);
      // Credentials are secrets: the app's Basic Information page shows them; we never print them.
      io.out(
        'Then copy the signing secret (Basic Information) and the bot token (OAuth & Permissions) into SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, and invite the bot to the triage channel.',
      );
    }
    return 0;
  } catch (error) {
    for (const line of describeApiError(error)) io.err(line);
    return 1;
  }
}
