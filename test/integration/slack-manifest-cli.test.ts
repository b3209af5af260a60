import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fillManifest, loadManifest, runManifest } from '../../src/cli/manifest.ts';
import { loadConfig } from '../../src/config.ts';

const root = resolve(import.meta.dirname, '../..');
const TOKEN = 'xoxe.xoxp-1-config-token';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

/** The manifest a nock-intercepted call carried (form field `manifest`, JSON-encoded). */
function sentManifest(body: unknown): Record<string, unknown> {
  const form =
    typeof body === 'string'
      ? Object.fromEntries(new URLSearchParams(body))
      : (body as Record<string, unknown>);
  const manifest = form.manifest;
  return (typeof manifest === 'string' ? JSON.parse(manifest) : manifest) as Record<string, unknown>;
}

describe('switchboard manifest', () => {
  it('prints YAML whose request URLs use the given host (the real CLI, as a process)', async () => {
    const child = spawn(
      process.execPath,
      [resolve(root, 'bin/switchboard.js'), 'manifest', '--url', 'https://example.test'],
      {
        cwd: tmpdir(),
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += String(c);
    });
    child.stderr.on('data', (c) => {
      stderr += String(c);
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = parse(stdout) as {
      settings: {
        event_subscriptions: { request_url: string };
        interactivity: { request_url: string };
        socket_mode_enabled: boolean;
      };
      features: { slash_commands: { url: string }[] };
    };
    expect(printed.settings.event_subscriptions.request_url).toBe('https://example.test/slack/events');
    expect(printed.settings.interactivity.request_url).toBe('https://example.test/slack/events');
    expect(printed.features.slash_commands.map((c) => c.url)).toEqual(['https://example.test/slack/events']);
    expect(printed.settings.socket_mode_enabled).toBe(false);
    expect(stdout).not.toContain('switchboard.example.com');
  });

  it('keeps a path prefix and switches to Socket Mode without request URLs', () => {
    const withPrefix = fillManifest(loadManifest(), { url: 'https://bots.example.test/support/' }) as {
      settings: { event_subscriptions: { request_url: string } };
    };
    expect(withPrefix.settings.event_subscriptions.request_url).toBe(
      'https://bots.example.test/support/slack/events',
    );
    const socket = fillManifest(loadManifest(), { socketMode: true });
    const text = JSON.stringify(socket);
    expect(text).not.toContain('request_url');
    expect(text).not.toContain('"url"');
    expect((socket.settings as { socket_mode_enabled: boolean }).socket_mode_enabled).toBe(true);
    // The shipped file is left as it is.
    expect(JSON.stringify(loadManifest())).toContain('switchboard.example.com');
  });

  it('refuses a non-URL, and --create without a host', async () => {
    const config = loadConfig({ SLACK_CONFIG_TOKEN: TOKEN });
    const bad = io();
    expect(await runManifest(config, { url: 'example.test' }, bad.io)).toBe(1);
    expect(bad.err.join('\n')).toContain('--url must be an absolute URL');
    const noHost = io();
    expect(await runManifest(config, { create: true }, noHost.io)).toBe(1);
    expect(noHost.err.join('\n')).toContain('--create needs --url');
  });

  it('--validate calls apps.manifest.validate with the configuration token and the filled manifest', async () => {
    let sent: Record<string, unknown> = {};
    const scope = nock('https://slack.com')
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .post('/api/apps.manifest.validate', (body) => {
        sent = sentManifest(body);
        return true;
      })
      .reply(200, { ok: true });
    const run = io();
    expect(
      await runManifest(
        loadConfig({ SLACK_CONFIG_TOKEN: TOKEN }),
        { url: 'https://example.test', validate: true },
        run.io,
      ),
    ).toBe(0);
    expect(scope.isDone()).toBe(true);
    expect(run.out).toEqual(['The manifest is valid.']);
    expect((sent.settings as { interactivity: { request_url: string } }).interactivity.request_url).toBe(
      'https://example.test/slack/events',
    );
  });

  it('reports what Slack found wrong, with exit code 1', async () => {
    nock('https://slack.com')
      .post('/api/apps.manifest.validate')
      .reply(200, {
        ok: false,
        error: 'invalid_manifest',
        errors: [{ message: 'must be an https URL', pointer: '/settings/event_subscriptions/request_url' }],
      });
    const run = io();
    expect(
      await runManifest(loadConfig({}), { url: 'http://example.test', validate: true, token: TOKEN }, run.io),
    ).toBe(1);
    expect(run.err).toEqual([
      'Slack refused the manifest: invalid_manifest',
      '  /settings/event_subscriptions/request_url: must be an https URL',
    ]);
  });

  it('--create creates the app and prints how to install it, never its credentials', async () => {
    const scope = nock('https://slack.com')
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .post('/api/apps.manifest.create', (body) => sentManifest(body).settings !== undefined)
      .reply(200, {
        ok: true,
        app_id: 'A07NEWAPP01',
        credentials: {
          client_id: '1.2',
          client_secret: 'very-secret',
          verification_token: 'v',
          signing_secret: 'sign-secret',
        },
        oauth_authorize_url: 'https://slack.com/oauth/v2/authorize?client_id=1.2&scope=chat:write',
      });
    const run = io();
    expect(
      await runManifest(
        loadConfig({ SLACK_CONFIG_TOKEN: TOKEN }),
        { socketMode: true, create: true },
        run.io,
      ),
    ).toBe(0);
    expect(scope.isDone()).toBe(true);
    const printed = run.out.join('\n');
    expect(printed).toContain('A07NEWAPP01');
    expect(printed).toContain('https://slack.com/oauth/v2/authorize?client_id=1.2');
    expect(printed).not.toMatch(/very-secret|sign-secret/);
  });

  it('asks for a configuration token before calling Slack', async () => {
    const run = io();
    expect(await runManifest(loadConfig({}), { validate: true }, run.io)).toBe(1);
    expect(run.err.join('\n')).toContain('SLACK_CONFIG_TOKEN');
  });
});
