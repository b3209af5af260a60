import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { type Runtime, createRuntime } from '../../src/main.ts';
import { toConversationKey } from '../../src/model/conversation-key.ts';
import type { ConversationRef } from '../../src/model/conversation-ref.ts';
import type { InboundEvent } from '../../src/model/inbound-event.ts';
import { FakeDiscord as Fake, type FakeDiscord, type FakeMessage } from '../fakes/fake-discord/index.ts';
import {
  IDS,
  OTHER_CUSTOMER,
  OTHER_DM_CHANNEL,
  buttonClick,
  discordFixture,
  dmMessage,
  guildMessage,
} from '../fakes/fake-discord/payloads.ts';
import {
  FirstHitAnswerer,
  KeywordClassifier,
  SAMPLE_ARTICLES,
  WordOverlapRetriever,
} from '../fakes/fake-understanding.ts';

/** An article whose answer is 2,500 characters, to check splitting at Discord's 2,000. */
const WARRANTY_TEXT = 'Every appliance carries a two year warranty covering parts and labour. '
  .repeat(40)
  .slice(0, 2500);

function understanding() {
  return {
    classifier: new KeywordClassifier(),
    retriever: new WordOverlapRetriever([
      ...SAMPLE_ARTICLES,
      { id: 'warranty', title: 'Warranty coverage', text: WARRANTY_TEXT },
    ]),
    answerer: new FirstHitAnswerer(),
  };
}

function discordEnv(fake: FakeDiscord): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    SANDBOX: 'off',
    DISCORD_TOKEN: fake.token,
    DISCORD_SUPPORT_CHANNEL_IDS: IDS.supportChannel,
    DISCORD_API_URL: fake.apiUrl,
  };
}

/** One DM customer per test, so their channels and counts never mix. */
let nextCustomer = 40;
function newDmCustomer() {
  nextCustomer += 1;
  const user = { ...OTHER_CUSTOMER, id: `14561233000000000${nextCustomer}`, username: `c${nextCustomer}` };
  const channel = `14561234000000000${nextCustomer}`;
  const ref: ConversationRef = { platform: 'discord', workspace: '@me', channel, threadOrUser: user.id };
  let seq = 0;
  return {
    user,
    channel,
    ref,
    message: (content: string) => {
      seq += 1;
      return dmMessage({
        id: `14561234600${nextCustomer}${String(seq).padStart(6, '0')}`,
        channel_id: channel,
        author: user,
        content,
      });
    },
  };
}

describe('Discord through the real runtime and discord.js, against a local fake Discord', () => {
  let fake: FakeDiscord;
  let runtime: Runtime;

  beforeAll(async () => {
    fake = await Fake.start();
    runtime = await createRuntime(loadConfig(discordEnv(fake)), {
      logger: silentLogger,
      understanding: understanding(),
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime?.stop();
    await fake?.close();
  });

  /** Waits until the bot has posted `count` messages in `channel`, and returns them. */
  const botMessages = (channel: string, count: number): Promise<FakeMessage[]> =>
    fake.waitFor(
      () => (fake.messagesIn(channel).length >= count ? fake.messagesIn(channel) : undefined),
      `${count} bot message(s) in ${channel}`,
    );

  it('answers a DM question from the knowledge base, with typing and no mention parsing', async () => {
    const frame = discordFixture('discord-message-create-dm.json');
    fake.dispatch(frame.t, { ...frame.d, content: 'how do I reset my password?' });
    const [answer] = await botMessages(IDS.dmChannel, 1);
    expect(answer?.content).toContain('Forgot password');
    expect(answer?.embeds).toEqual([{ title: 'Sources', description: '• Reset your password' }]);
    expect(answer?.allowed_mentions).toEqual({ parse: [] });
    const post = fake.calls('POST', new RegExp(`^/channels/${IDS.dmChannel}/messages$`))[0];
    expect(post?.authorization).toBe(`Bot ${fake.token}`);
    expect(post?.body?.enforce_nonce).toBe(true);
    expect(String(post?.body?.nonce).length).toBeLessThanOrEqual(25);
    expect(fake.calls('POST', new RegExp(`^/channels/${IDS.dmChannel}/typing$`)).length).toBeGreaterThan(0);
  });

  it('opens one thread for a support-channel mention and answers inside it, even when redelivered', async () => {
    const frame = discordFixture('discord-message-create-guild.json');
    const message = { ...frame.d, content: `<@${IDS.bot}> I was charged twice, is this a duplicate charge?` };
    fake.dispatch('MESSAGE_CREATE', message);
    fake.dispatch('MESSAGE_CREATE', message);
    const threadId = String(frame.d.id);
    const [answer] = await botMessages(threadId, 1);
    expect(answer?.content).toContain('duplicate charge');
    const threads = fake.calls('POST', /^\/channels\/\d+\/messages\/\d+\/threads$/);
    expect(threads.map((c) => c.path)).toEqual([
      `/channels/${IDS.supportChannel}/messages/${threadId}/threads`,
    ]);
    expect(threads[0]?.body?.name).toBe('Kiwi · I was charged twice, is this a duplicate charge?');
    expect(fake.messagesIn(IDS.supportChannel)).toEqual([]);

    // A follow-up in the thread continues the same conversation; redelivery got no second answer.
    fake.dispatch('MESSAGE_CREATE', {
      ...message,
      id: '1456123460000000120',
      channel_id: threadId,
      channel_type: 11,
      mentions: [],
      content: 'hello',
    });
    const replies = await botMessages(threadId, 2);
    expect(replies).toHaveLength(2);
    const ref = {
      platform: 'discord',
      workspace: IDS.guild,
      channel: IDS.supportChannel,
      threadOrUser: threadId,
    };
    const context = await runtime.store.get(toConversationKey(ref));
    expect(context?.history.filter((h) => h.role === 'customer').map((h) => h.text)).toEqual([
      'I was charged twice, is this a duplicate charge?',
      'hello',
    ]);
  });

  it('acknowledges a button click in time with a deferred update and advances the conversation', async () => {
    const customer = newDmCustomer();
    fake.dispatch('MESSAGE_CREATE', customer.message('zebra quantum flux'));
    const [offer] = await botMessages(customer.channel, 1);
    const buttons = (offer?.components as { components: { label: string; custom_id: string }[] }[]).flatMap(
      (row) => row.components,
    );
    expect(buttons.length).toBeGreaterThan(1);
    const chosen = buttons[buttons.length - 1];
    const ingest = vi.spyOn(runtime.engine, 'ingest');
    try {
      const clickId = '1456123700000000301';
      fake.dispatch(
        'INTERACTION_CREATE',
        buttonClick({
          id: clickId,
          customId: chosen?.custom_id ?? '',
          message: offer ?? {},
          channelId: customer.channel,
          user: customer.user,
        }),
      );
      const ack = await fake.waitFor(
        () => fake.calls('POST', new RegExp(`^/interactions/${clickId}/`))[0],
        'the interaction callback',
      );
      // The fake answers 404 (10062) after 3 s or to a second answer; 204 means acknowledged in time.
      expect(ack).toMatchObject({ status: 204, body: { type: 6 }, authorization: undefined });
      // The engine got the click as the offered choice, and the bot answered it.
      await botMessages(customer.channel, 2);
      const click = ingest.mock.calls.map(([event]) => event).find((event) => event.id === clickId);
      expect(click).toMatchObject({ kind: 'message', text: chosen?.label, ref: customer.ref });
      expect(click?.kind === 'message' ? click.choiceId : undefined).toBe(chosen?.custom_id.slice(18));
      const context = await runtime.store.get(toConversationKey(customer.ref));
      expect(context?.history.filter((h) => h.role === 'customer').map((h) => h.text)).toEqual([
        'zebra quantum flux',
        chosen?.label,
      ]);
    } finally {
      ingest.mockRestore();
    }
    // The follow-up edit disables the clicked message's buttons and marks the choice.
    const edit = await fake.waitFor(
      () => fake.edits.find((e) => e.messageId === offer?.id),
      'the follow-up edit',
    );
    const edited = edit.body.components.flatMap((row: { components: unknown[] }) => row.components);
    expect(edited).toEqual(
      buttons.map((b) => ({
        type: 2,
        label: b.label,
        custom_id: b.custom_id,
        disabled: true,
        style: b === chosen ? 3 : 2,
      })),
    );
  });

  it('refuses a button copied from another conversation and a crafted custom_id', async () => {
    const owner = newDmCustomer();
    fake.dispatch('MESSAGE_CREATE', owner.message('zebra quantum flux'));
    const [offer] = await botMessages(owner.channel, 1);
    const handoffButton = (offer?.components as { components: { custom_id: string }[] }[])[0]?.components[0];
    const ingest = vi.spyOn(runtime.engine, 'ingest');
    try {
      const stolenId = '1456123700000000401';
      fake.dispatch(
        'INTERACTION_CREATE',
        buttonClick({
          id: stolenId,
          customId: handoffButton?.custom_id ?? '',
          message: { ...offer, channel_id: OTHER_DM_CHANNEL },
          channelId: OTHER_DM_CHANNEL,
          user: { ...OTHER_CUSTOMER },
        }),
      );
      const crafted = discordFixture('discord-interaction-button.json');
      fake.dispatch(crafted.t, crafted.d);
      const answers = await fake.waitFor(() => {
        const calls = [stolenId, String(crafted.d.id)].map(
          (id) => fake.calls('POST', new RegExp(`^/interactions/${id}/`))[0],
        );
        return calls.every(Boolean) ? calls : undefined;
      }, 'both refusals');
      for (const answer of answers) {
        expect(answer).toMatchObject({ status: 204, body: { type: 4, data: { flags: 64 } } });
      }
      expect(ingest.mock.calls.map(([event]) => event.id)).not.toContain(stolenId);
      expect(ingest.mock.calls.map(([event]) => event.id)).not.toContain(String(crafted.d.id));
      expect(fake.messagesIn(OTHER_DM_CHANNEL)).toEqual([]);
      const context = await runtime.store.get(toConversationKey(owner.ref));
      expect(context?.ownership.state).toBe('bot');
    } finally {
      ingest.mockRestore();
    }
  });

  it('sends a 2,500-character answer as two messages of at most 2,000 characters', async () => {
    const customer = newDmCustomer();
    fake.dispatch('MESSAGE_CREATE', customer.message('what does the appliance warranty cover?'));
    const parts = await botMessages(customer.channel, 2);
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part.content.length).toBeLessThanOrEqual(2000);
    expect(parts.map((p) => p.content).join(' ')).toBe(WARRANTY_TEXT.trim());
    expect(parts[0]?.nonce).not.toBe(parts[1]?.nonce);
  });

  it('relays staff replies without mention parsing, so staff text cannot ping @everyone', async () => {
    const customer = newDmCustomer();
    fake.dispatch('MESSAGE_CREATE', customer.message('please let me talk to a person'));
    const [notice] = await botMessages(customer.channel, 1);
    expect(notice?.content).toMatch(/connecting you/i);
    const key = toConversationKey(customer.ref);
    const ticketId = (await runtime.store.get(key))?.ownership.ticket?.id;
    expect(ticketId).toBeDefined();
    await runtime.engine.ingest({
      kind: 'action',
      id: 'staff-reply-1',
      ref: customer.ref,
      at: Date.now(),
      actor: { id: 'U07STAFF001', name: 'Sam', role: 'staff' },
      action: { type: 'staff_reply', text: '@everyone <@&1456123000000000500> your refund is on its way' },
      ...(ticketId ? { ticketId } : {}),
    });
    const [, relayed] = await botMessages(customer.channel, 2);
    expect(relayed?.content).toBe('@everyone <@&1456123000000000500> your refund is on its way');
    expect(relayed?.allowed_mentions).toEqual({ parse: [] });
  });

  it('ignores its own messages (Discord echoes them) and answers a redelivered message once', async () => {
    const customer = newDmCustomer();
    const ingest = vi.spyOn(runtime.engine, 'ingest');
    try {
      const first = customer.message('how do I reset my password?');
      fake.dispatch('MESSAGE_CREATE', first);
      await botMessages(customer.channel, 1);
      fake.dispatch('MESSAGE_CREATE', first); // redelivered (e.g. replayed after a resume)
      fake.dispatch('MESSAGE_CREATE', customer.message('hello'));
      // Messages of one channel are handled in order, so once "hello" is answered the
      // echoes of our reply and the redelivery were handled before it.
      const replies = await botMessages(customer.channel, 2);
      expect(replies).toHaveLength(2);
      const from = ingest.mock.calls.map(([event]: [InboundEvent]) =>
        event.kind === 'message' ? event.from.id : null,
      );
      expect(from).not.toContain(IDS.bot);
      expect(from.filter((id) => id === customer.user.id)).toHaveLength(3);
      expect(await Promise.all(ingest.mock.results.map((r) => r.value))).toEqual([
        'accepted',
        'duplicate',
        'accepted',
      ]);
    } finally {
      ingest.mockRestore();
    }
  });

  it('ignores guild channels that are not support channels', async () => {
    const ingest = vi.spyOn(runtime.engine, 'ingest');
    try {
      fake.dispatch(
        'MESSAGE_CREATE',
        guildMessage({
          id: '1456123460000000130',
          channel_id: IDS.otherChannel,
          content: `<@${IDS.bot}> hi`,
        }),
      );
      const customer = newDmCustomer();
      fake.dispatch('MESSAGE_CREATE', customer.message('hello'));
      await botMessages(customer.channel, 1);
      expect(ingest.mock.calls.map(([event]) => event.id)).not.toContain('1456123460000000130');
      expect(fake.messagesIn(IDS.otherChannel)).toEqual([]);
    } finally {
      ingest.mockRestore();
    }
  });
});

describe('Discord startup', () => {
  it('explains how to enable the Message Content intent when Discord closes with 4014', async () => {
    const fake = await Fake.start({ closeOnIdentify: 4014 });
    const runtime = await createRuntime(loadConfig(discordEnv(fake)), {
      logger: silentLogger,
      understanding: understanding(),
    });
    try {
      const failure = await runtime.start().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as ConfigError).issues[0]?.variable).toBe('DISCORD_TOKEN');
      expect((failure as ConfigError).message).toMatch(/Message Content Intent/);
      expect(fake.identifies).toHaveLength(1);
    } finally {
      await runtime.stop();
      await fake.close();
    }
  });
});
