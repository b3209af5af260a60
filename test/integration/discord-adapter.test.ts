import { EventEmitter } from 'node:events';
import { Client } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DiscordAdapter, createDiscordAdapter } from '../../adapters/discord/index.ts';
import { PlatformApiError, StoreUnavailableError, UndeliverableError } from '../../src/errors.ts';
import { MemoryKeyValueSpace } from '../../src/kv/memory-key-value.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import type { ConversationRef } from '../../src/model/conversation-ref.ts';
import type { InboundEvent } from '../../src/model/inbound-event.ts';
import type { OutboundEnvelope } from '../../src/model/outbound-message.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import { FakeDiscord, type FakeDiscordOptions } from '../fakes/fake-discord/index.ts';
import {
  IDS,
  OTHER_CUSTOMER,
  buttonClick,
  discordFixture,
  dmMessage,
  guildMessage,
  threadMessage,
} from '../fakes/fake-discord/payloads.ts';

/** Records what the adapter hands to the engine; `failures` makes the next ingests throw. */
class RecordingSink implements EventSink {
  readonly events: InboundEvent[] = [];
  failures = 0;
  readonly #changed = new EventEmitter();
  async ingest(event: InboundEvent) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new StoreUnavailableError('store down (test)');
    }
    this.events.push(event);
    this.#changed.emit('change');
    return 'accepted' as const;
  }
  /** Resolves once `count` events were ingested (bounded wait). */
  waitFor(count: number): Promise<InboundEvent[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.events.length < count) return;
        clearTimeout(timer);
        this.#changed.off('change', check);
        resolve(this.events);
      };
      const timer = setTimeout(() => reject(new Error(`waited for ${count} ingested events`)), 10_000);
      this.#changed.on('change', check);
      check();
    });
  }
}

const dmRef: ConversationRef = {
  platform: 'discord',
  workspace: '@me',
  channel: IDS.dmChannel,
  threadOrUser: IDS.customer,
};

describe('Discord adapter (real discord.js client, local fake Discord)', () => {
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  let sink: RecordingSink;

  async function setUp(options: FakeDiscordOptions = {}): Promise<void> {
    fake = await FakeDiscord.start(options);
    sink = new RecordingSink();
    adapter = createDiscordAdapter({
      token: fake.token,
      supportChannelIds: [IDS.supportChannel],
      apiUrl: fake.apiUrl,
      sink,
      keyValue: new MemoryKeyValueSpace({ clock: systemClock }),
      logger: silentLogger,
      ingestRetryDelaysMs: [1, 1],
      // No 5xx retries inside discord.js, so a single injected 500 reaches the adapter.
      createClient: (options) => new Client({ ...options, rest: { ...options.rest, retries: 0 } }),
    });
    await adapter.start();
  }
  beforeEach(async () => {
    await setUp();
  });
  afterEach(async () => {
    await adapter.stop();
    await fake.close();
  });

  const envelope = (text: string, idempotencyKey: string): OutboundEnvelope => ({
    ref: dmRef,
    message: { kind: 'text', text },
    idempotencyKey,
    purpose: 'answer',
  });

  it('identifies with the four intents and hands a DM over with its ids', async () => {
    expect(fake.identifies[0]?.intents).toBe((1 << 0) | (1 << 9) | (1 << 12) | (1 << 15));
    const frame = discordFixture('discord-message-create-dm.json');
    fake.dispatch(frame.t, frame.d);
    const [event] = await sink.waitFor(1);
    expect(event).toMatchObject({ id: frame.d.id, ref: dmRef, kind: 'message' });
  });

  it('resumes after the gateway drops the connection (discord.js reconnects) and keeps receiving', async () => {
    fake.dropConnection(4000);
    await fake.waitFor(() => fake.resumes > 0 || undefined, 'a resume');
    fake.dispatch('MESSAGE_CREATE', dmMessage({ id: '1456123460000000901', content: 'back again' }));
    const [event] = await sink.waitFor(1);
    expect(event?.id).toBe('1456123460000000901');
    expect(fake.connections).toBe(2);
    expect(fake.identifies).toHaveLength(1);
  });

  it('does not post an envelope twice: the nonce comes from the idempotency key', async () => {
    const first = await adapter.send(envelope('Your order shipped.', 'evt-9:0'));
    const again = await adapter.send(envelope('Your order shipped.', 'evt-9:0'));
    expect(fake.calls('POST', /^\/channels\/\d+\/messages$/)).toHaveLength(2);
    expect(fake.messagesIn(IDS.dmChannel)).toHaveLength(1);
    expect(again.platformMessageId).toBe(first.platformMessageId);
  });

  it('maps cannot-DM, missing access and server errors to typed errors', async () => {
    const messages = /^\/channels\/\d+\/messages$/;
    fake.failNext('POST', messages, 403, { message: 'Cannot send messages to this user', code: 50007 });
    await expect(adapter.send(envelope('a', 'k:1'))).rejects.toMatchObject({
      constructor: UndeliverableError,
      platformCode: '50007',
    });
    fake.failNext('POST', messages, 403, { message: 'Missing Access', code: 50001 });
    await expect(adapter.send(envelope('b', 'k:2'))).rejects.toMatchObject({
      constructor: UndeliverableError,
      platformCode: '50001',
    });
    fake.failNext('POST', messages, 500, { message: 'Internal Server Error', code: 0 });
    await expect(adapter.send(envelope('c', 'k:3'))).rejects.toBeInstanceOf(PlatformApiError);
    expect(fake.messagesIn(IDS.dmChannel)).toEqual([]);
  });

  it('leaves a 429 to discord.js’s REST queue, which waits for Retry-After and delivers', async () => {
    fake.failNext(
      'POST',
      /^\/channels\/\d+\/messages$/,
      429,
      { message: 'You are being rate limited.', retry_after: 0.05, global: false },
      { 'retry-after': '0.05' },
    );
    await adapter.send(envelope('after the limit', 'k:429'));
    expect(fake.calls('POST', /^\/channels\/\d+\/messages$/).map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messagesIn(IDS.dmChannel).map((m) => m.content)).toEqual(['after the limit']);
  });

  it('shows a typing indicator in the conversation’s channel', async () => {
    await adapter.startTyping?.(dmRef);
    expect(fake.calls('POST', /\/typing$/).map((c) => c.path)).toEqual([`/channels/${IDS.dmChannel}/typing`]);
  });

  it('does not hand over a support message whose thread cannot be opened, and retries on redelivery', async () => {
    fake.failNext('POST', /\/threads$/, 403, { message: 'Missing Permissions', code: 50013 });
    const message = guildMessage({ id: '1456123460000000140', content: 'help please' });
    fake.dispatch('MESSAGE_CREATE', message);
    fake.dispatch('MESSAGE_CREATE', message);
    const [event] = await sink.waitFor(1);
    await adapter.idle();
    expect(event?.id).toBe('1456123460000000140');
    expect(fake.calls('POST', /\/threads$/).map((c) => c.status)).toEqual([403, 201]);
    expect(sink.events).toHaveLength(1);
  });

  it('lets only the customer who opened a support thread click its buttons', async () => {
    fake.dispatch('MESSAGE_CREATE', guildMessage({ id: '1456123460000000150', content: 'billing?' }));
    const [event] = await sink.waitFor(1);
    const threadId = '1456123460000000150';
    await adapter.send({
      ref: event?.ref ?? dmRef,
      message: { kind: 'choices', text: 'Pick', choices: [{ id: 'sb:handoff', label: 'Talk to a person' }] },
      idempotencyKey: `${threadId}:0`,
      purpose: 'answer',
    });
    const [offer] = fake.messagesIn(threadId);
    const customId = offer?.components[0].components[0].custom_id as string;
    const click = (id: string, user: Record<string, unknown>) =>
      buttonClick({
        id,
        customId,
        message: offer ?? {},
        channelId: threadId,
        user,
        guild: { guildId: IDS.guild, parentId: IDS.supportChannel },
      });
    fake.dispatch('INTERACTION_CREATE', click('1456123700000000501', { ...OTHER_CUSTOMER }));
    const refusal = await fake.waitFor(
      () => fake.calls('POST', /^\/interactions\/1456123700000000501\//)[0],
      'the refusal',
    );
    expect(refusal.body).toMatchObject({ type: 4, data: { flags: 64 } });

    const customer = discordFixture('discord-message-create-guild.json').d.author as Record<string, unknown>;
    fake.dispatch('INTERACTION_CREATE', click('1456123700000000502', customer));
    const [, clicked] = await sink.waitFor(2);
    expect(clicked).toMatchObject({ id: '1456123700000000502', choiceId: 'sb:handoff', ref: event?.ref });
    expect(sink.events.map((e) => e.id)).not.toContain('1456123700000000501');
  });

  it('acknowledges a replayed INTERACTION_CREATE once and hands it over once', async () => {
    await adapter.send({
      ref: dmRef,
      message: { kind: 'choices', text: 'Pick', choices: [{ id: 'sb:dismiss', label: 'No thanks' }] },
      idempotencyKey: 'offer:0',
      purpose: 'answer',
    });
    const [offer] = fake.messagesIn(IDS.dmChannel);
    const click = buttonClick({
      id: '1456123700000000601',
      customId: offer?.components[0].components[0].custom_id,
      message: offer ?? {},
    });
    fake.dispatch('INTERACTION_CREATE', click);
    fake.dispatch('INTERACTION_CREATE', click);
    await sink.waitFor(1);
    await adapter.idle();
    expect(fake.calls('POST', /^\/interactions\//).map((c) => [c.body?.type, c.status])).toEqual([[6, 204]]);
    expect(sink.events.map((e) => e.id)).toEqual(['1456123700000000601']);
  });

  it('asks the customer to send again when the event cannot be recorded', async () => {
    sink.failures = 3;
    fake.dispatch('MESSAGE_CREATE', dmMessage({ id: '1456123460000000701', content: 'are you there?' }));
    const [notice] = await fake.waitFor(
      () => (fake.messagesIn(IDS.dmChannel).length > 0 ? fake.messagesIn(IDS.dmChannel) : undefined),
      'the notice',
    );
    expect(notice?.content).toMatch(/try again/);
    expect(notice?.allowed_mentions).toEqual({ parse: [] });
    expect(sink.events).toEqual([]);
  });

  it('looks up a support thread it has not seen (archived before start) once, and continues it', async () => {
    fake.addThread('1456123460000000850', IDS.supportChannel);
    fake.dispatch(
      'MESSAGE_CREATE',
      threadMessage({ id: '1456123460000000851', channel_id: '1456123460000000850', content: 'me again' }),
    );
    fake.dispatch(
      'MESSAGE_CREATE',
      threadMessage({ id: '1456123460000000852', channel_id: '1456123460000000850', content: 'hello?' }),
    );
    const events = await sink.waitFor(2);
    expect(events.map((e) => e.ref.threadOrUser)).toEqual(['1456123460000000850', '1456123460000000850']);
    expect(events.map((e) => e.ref.channel)).toEqual([IDS.supportChannel, IDS.supportChannel]);
    expect(fake.calls('GET', /^\/channels\/1456123460000000850$/)).toHaveLength(1);
  });

  it('continues a conversation from a thread message whose parent comes from the cache', async () => {
    // A thread the adapter did not open (no state record): discord.js learned it from THREAD_CREATE.
    fake.dispatch('THREAD_CREATE', {
      id: '1456123460000000800',
      type: 11,
      guild_id: IDS.guild,
      parent_id: IDS.supportChannel,
      name: 'manual thread',
      owner_id: IDS.customer,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: new Date().toISOString(),
        locked: false,
      },
      newly_created: true,
    });
    fake.dispatch(
      'MESSAGE_CREATE',
      threadMessage({
        id: '1456123460000000801',
        channel_id: '1456123460000000800',
        content: 'still waiting',
      }),
    );
    const [event] = await sink.waitFor(1);
    expect(event?.ref).toEqual({
      platform: 'discord',
      workspace: IDS.guild,
      channel: IDS.supportChannel,
      threadOrUser: '1456123460000000800',
    });
  });
});
