import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');

interface Manifest {
  _metadata?: { major_version?: number };
  display_information?: { name?: string; description?: string };
  features?: { bot_user?: { display_name?: string } };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled?: boolean; request_url?: string };
    socket_mode_enabled?: boolean;
  };
}

describe('manifest.yml', () => {
  const manifest = parse(readFileSync(resolve(root, 'manifest.yml'), 'utf8')) as Manifest;

  it('is a valid-looking Slack app manifest within Slack limits', () => {
    expect(manifest._metadata?.major_version).toBe(2);
    expect(manifest.display_information?.name?.length).toBeGreaterThan(0);
    expect(manifest.display_information?.name?.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information?.description?.length ?? 0).toBeLessThanOrEqual(140);
    expect(manifest.features?.bot_user?.display_name).toMatch(/^[a-z0-9_.-]{1,80}$/);
    expect(manifest.oauth_config?.scopes?.bot).toContain('chat:write');
  });

  it('points events and interactivity at /slack/events (or uses Socket Mode)', () => {
    if (manifest.settings?.socket_mode_enabled) return;
    expect(new URL(manifest.settings?.event_subscriptions?.request_url ?? '').pathname).toBe('/slack/events');
    expect(new URL(manifest.settings?.interactivity?.request_url ?? '').pathname).toBe('/slack/events');
  });

  it('asks for the history scope of every message event it subscribes to', () => {
    const scopes = new Set(manifest.oauth_config?.scopes?.bot ?? []);
    const needs: Record<string, string> = {
      'message.channels': 'channels:history',
      'message.groups': 'groups:history',
      'message.im': 'im:history',
    };
    for (const event of manifest.settings?.event_subscriptions?.bot_events ?? []) {
      if (needs[event]) expect(scopes.has(needs[event])).toBe(true);
    }
  });
});
