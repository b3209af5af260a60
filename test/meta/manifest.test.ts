import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  SLACK_COMMANDS_SCOPE,
  SLACK_EVENT_SCOPES,
  SLACK_METHOD_SCOPES,
} from '../../adapters/slack/limits.ts';
import { SLACK_SUBSCRIPTIONS } from '../../adapters/slack/listeners.ts';

const root = resolve(import.meta.dirname, '../..');

interface Manifest {
  _metadata?: { major_version?: number };
  display_information?: { name?: string; description?: string };
  features?: {
    bot_user?: { display_name?: string };
    slash_commands?: { command?: string; url?: string; description?: string }[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled?: boolean; request_url?: string };
    socket_mode_enabled?: boolean;
  };
}

/** What the code listens to and calls, derived from the adapter's table and sources. */
interface CodeUse {
  readonly botEvents: readonly string[];
  readonly actions: readonly string[];
  readonly commands: readonly string[];
  /** Web API methods called anywhere in the Slack code (`client.x.y(` or `apiCall('x.y'`). */
  readonly methods: readonly string[];
  /** Bolt registrations found in the sources (`app.event(`, `app.shortcut(`, ...), by kind. */
  readonly registrations: readonly string[];
}

const SLACK_SOURCES = ['adapters/slack', 'src/cli/manifest.ts'];

function sources(path: string): string[] {
  const full = join(root, path);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full)
    .flatMap((name) => sources(relative(root, join(full, name))))
    .filter((p) => p.endsWith('.ts'));
}

function scanCode(): CodeUse {
  const methods = new Set<string>();
  const registrations = new Set<string>();
  for (const file of SLACK_SOURCES.flatMap(sources)) {
    const text = readFileSync(file, 'utf8');
    for (const [, method] of text.matchAll(/\bclient\.([a-z]+(?:\.[a-zA-Z]+)+)\(/g))
      if (method) methods.add(method);
    for (const [, method] of text.matchAll(/\bapiCall\(\s*['"]([\w.]+)['"]/g))
      if (method) methods.add(method);
    for (const [, kind] of text.matchAll(
      /\bapp\.(event|message|action|command|shortcut|view|options|function|step)\(/g,
    )) {
      if (kind) registrations.add(kind);
    }
  }
  return {
    botEvents: Object.values(SLACK_SUBSCRIPTIONS.messageEvents),
    actions: SLACK_SUBSCRIPTIONS.actions,
    commands: SLACK_SUBSCRIPTIONS.commands,
    methods: [...methods].sort(),
    registrations: [...registrations].sort(),
  };
}

const METHOD_SCOPES: Readonly<Record<string, string | null>> = SLACK_METHOD_SCOPES;
const EVENT_SCOPES: Readonly<Record<string, string>> = SLACK_EVENT_SCOPES;

/** Every mismatch between the manifest and the code, as readable strings. */
function manifestProblems(manifest: Manifest, code: CodeUse): string[] {
  const problems: string[] = [];
  const declaredEvents = new Set(manifest.settings?.event_subscriptions?.bot_events ?? []);
  const declaredCommands = new Set((manifest.features?.slash_commands ?? []).map((c) => c.command ?? ''));
  const declaredScopes = new Set(manifest.oauth_config?.scopes?.bot ?? []);

  // Bolt registrations the table does not describe cannot be checked: only these kinds are.
  for (const kind of code.registrations) {
    if (!['message', 'action', 'command'].includes(kind))
      problems.push(`code registers app.${kind}(): add it to SLACK_SUBSCRIPTIONS and the manifest`);
  }
  for (const event of code.botEvents)
    if (!declaredEvents.has(event))
      problems.push(`code listens to ${event}, the manifest does not subscribe to it`);
  for (const event of declaredEvents)
    if (!code.botEvents.includes(event))
      problems.push(`manifest subscribes to ${event}, nothing listens to it`);
  for (const command of code.commands)
    if (!declaredCommands.has(command))
      problems.push(`code handles ${command}, the manifest does not declare it`);
  for (const command of declaredCommands)
    if (!code.commands.includes(command)) problems.push(`manifest declares ${command}, nothing handles it`);
  if (code.actions.length > 0 && manifest.settings?.interactivity?.is_enabled !== true) {
    problems.push(
      `code handles actions (${code.actions.join(', ')}), the manifest does not enable interactivity`,
    );
  }

  const needed = new Set<string>();
  for (const method of code.methods) {
    if (!(method in METHOD_SCOPES)) {
      problems.push(`code calls ${method}, which SLACK_METHOD_SCOPES does not list`);
      continue;
    }
    const scope = METHOD_SCOPES[method];
    if (scope) needed.add(scope);
  }
  for (const event of code.botEvents) {
    const scope = EVENT_SCOPES[event];
    if (scope) needed.add(scope);
    else problems.push(`SLACK_EVENT_SCOPES does not list ${event}`);
  }
  if (code.commands.length > 0) needed.add(SLACK_COMMANDS_SCOPE);
  for (const scope of needed)
    if (!declaredScopes.has(scope))
      problems.push(`code needs scope ${scope}, the manifest does not ask for it`);
  for (const scope of declaredScopes)
    if (!needed.has(scope)) problems.push(`manifest asks for scope ${scope}, nothing uses it`);
  return problems;
}

describe('manifest.yml', () => {
  const manifest = parse(readFileSync(resolve(root, 'manifest.yml'), 'utf8')) as Manifest;
  const code = scanCode();

  it('is a valid-looking Slack app manifest within Slack limits', () => {
    expect(manifest._metadata?.major_version).toBe(2);
    expect(manifest.display_information?.name?.length).toBeGreaterThan(0);
    expect(manifest.display_information?.name?.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information?.description?.length ?? 0).toBeLessThanOrEqual(140);
    expect(manifest.features?.bot_user?.display_name).toMatch(/^[a-z0-9_.-]{1,80}$/);
    for (const command of manifest.features?.slash_commands ?? []) {
      expect(command.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
      expect(command.description?.length ?? 0).toBeLessThanOrEqual(2000);
    }
  });

  it('points events, interactivity and the slash command at /slack/events (or uses Socket Mode)', () => {
    if (manifest.settings?.socket_mode_enabled) return;
    const urls = [
      manifest.settings?.event_subscriptions?.request_url,
      manifest.settings?.interactivity?.request_url,
      ...(manifest.features?.slash_commands ?? []).map((c) => c.url),
    ];
    for (const url of urls) expect(new URL(url ?? '').pathname).toBe('/slack/events');
  });

  it('finds the Slack code it checks (the scan itself works)', () => {
    expect(code.methods).toEqual(
      expect.arrayContaining(['chat.postMessage', 'reactions.add', 'apps.manifest.validate']),
    );
    expect(code.registrations).toEqual(['action', 'command', 'message']);
  });

  it('declares everything the code listens to and asks for exactly the scopes the code uses', () => {
    expect(manifestProblems(manifest, code)).toEqual([]);
  });

  it('catches drift both ways (the rule itself works)', () => {
    const drifted: Manifest = {
      ...manifest,
      features: { ...manifest.features, slash_commands: [{ command: '/other' }] },
      oauth_config: {
        scopes: {
          bot: [
            ...(manifest.oauth_config?.scopes?.bot ?? []).filter((s) => s !== 'reactions:write'),
            'files:write',
          ],
        },
      },
      settings: {
        ...manifest.settings,
        event_subscriptions: { bot_events: ['message.channels', 'message.groups', 'app_mention'] },
        interactivity: { is_enabled: false },
      },
    };
    const extraCode: CodeUse = {
      ...code,
      methods: [...code.methods, 'files.uploadV2'],
      registrations: [...code.registrations, 'shortcut'],
    };
    expect(manifestProblems(drifted, extraCode).sort()).toEqual(
      [
        'code registers app.shortcut(): add it to SLACK_SUBSCRIPTIONS and the manifest',
        'code listens to message.im, the manifest does not subscribe to it',
        'manifest subscribes to app_mention, nothing listens to it',
        'code handles /switchboard, the manifest does not declare it',
        'manifest declares /other, nothing handles it',
        `code handles actions (${code.actions.join(', ')}), the manifest does not enable interactivity`,
        'code calls files.uploadV2, which SLACK_METHOD_SCOPES does not list',
        'code needs scope reactions:write, the manifest does not ask for it',
        'manifest asks for scope files:write, nothing uses it',
      ].sort(),
    );
  });
});
