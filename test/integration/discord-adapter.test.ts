import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DiscordAdapter, createDiscordAdapter } from '../../adapters/discord/index.ts';
import { MemoryKeyValueSpace } from '../../src/kv/memory-key-value.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import type { InboundEvent } from '../../src/model/inbound-event.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { FakeDiscord } from '../fakes/fake-discord/index.ts';
import { IDS, discordFixture } from '../fakes/fake-discord/payloads.ts';

describe('Discord adapter against the fake gateway', () => {
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  const ingested: InboundEvent[] = [];

  beforeEach(async () => {
    ingested.length = 0;
    fake = await FakeDiscord.start();
    adapter = createDiscordAdapter({
      token: fake.token,
      supportChannelIds: [IDS.supportChannel],
      apiUrl: fake.apiUrl,
      sink: {
        async ingest(event) {
          ingested.push(event);
          return 'accepted';
        },
      },
      keyValue: new MemoryKeyValueSpace({ clock: systemClock }),
      logger: silentLogger,
    });
    await adapter.start();
  });
  afterEach(async () => {
    await adapter.stop();
    await fake.close();
  });

  it('smoke: DM fixture reaches the sink', async () => {
    const frame = discordFixture('discord-message-create-dm.json');
    fake.dispatch(frame.t, frame.d);
    await fake.waitFor(() => ingested.length > 0 || undefined, 'ingest', 5000).catch(() => undefined);
    expect(ingested).toHaveLength(1);
  });
});
