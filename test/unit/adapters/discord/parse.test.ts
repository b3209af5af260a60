import { describe, expect, it } from 'vitest';
import { deriveCustomIdKey, signCustomId } from '../../../../adapters/discord/custom-id.ts';
import {
  type ParseContext,
  parseDiscordInteraction,
  parseDiscordMessage,
  readInteractionPayload,
  readMessagePayload,
  resolveMentions,
  snowflakeTime,
} from '../../../../adapters/discord/parse.ts';
import { toConversationKey } from '../../../../src/model/conversation-key.ts';
import type { InboundMessage } from '../../../../src/model/inbound-event.ts';
import {
  IDS,
  OTHER_CUSTOMER,
  OTHER_DM_CHANNEL,
  buttonClick,
  discordFixture,
} from '../../../fakes/fake-discord/payloads.ts';

const context: ParseContext = { botUserId: IDS.bot, supportChannelIds: new Set([IDS.supportChannel]) };
const key = deriveCustomIdKey('test-secret');
const dmRef = { platform: 'discord', workspace: '@me', channel: IDS.dmChannel, threadOrUser: IDS.customer };

const dm = (overrides: Record<string, unknown> = {}) =>
  readMessagePayload({ ...discordFixture('discord-message-create-dm.json').d, ...overrides });
const guild = (overrides: Record<string, unknown> = {}) =>
  readMessagePayload({ ...discordFixture('discord-message-create-guild.json').d, ...overrides });

function ingested(parsed: ReturnType<typeof parseDiscordMessage>) {
  if (parsed.action !== 'ingest') throw new Error(`expected ingest, got ${parsed.reason}`);
  return parsed;
}

describe('parseDiscordMessage', () => {
  it('maps the DM fixture to a message in the @me conversation of the DM channel and user', () => {
    const { event, startThread } = ingested(parseDiscordMessage(dm(), context));
    expect(startThread).toBeUndefined();
    expect(event).toMatchObject({
      kind: 'message',
      id: '1456123460000000101',
      ref: dmRef,
      at: Date.parse('2026-01-01T01:15:00.123000+00:00'),
      text: "hi, my order #55821 still hasn't shipped",
      from: { id: IDS.customer, name: 'Kiwi', role: 'customer' },
      replyContext: { messageId: '1456123460000000101', channelId: IDS.dmChannel },
    });
    expect(toConversationKey(event.ref)).toBe(`discord:@me:${IDS.dmChannel}:${IDS.customer}`);
  });

  it('opens a thread for a support-channel message that mentions the bot; the mention is dropped', () => {
    const { event, startThread } = ingested(parseDiscordMessage(guild(), context));
    expect(startThread).toEqual({
      channelId: IDS.supportChannel,
      messageId: '1456123460000000102',
      authorName: 'Kiwi',
      text: 'can someone help with a billing question?',
    });
    expect(event).toMatchObject({
      kind: 'message',
      ref: {
        platform: 'discord',
        workspace: IDS.guild,
        channel: IDS.supportChannel,
        threadOrUser: '1456123460000000102',
      },
      text: 'can someone help with a billing question?',
    });
  });

  it('opens a thread for a plain support-channel message too (no mention needed)', () => {
    const parsed = ingested(parseDiscordMessage(guild({ content: 'hello?', mentions: [] }), context));
    expect(parsed.startThread?.messageId).toBe('1456123460000000102');
  });

  it('continues the conversation for a message in a support thread', () => {
    const threadId = '1456123460000000102';
    const message = guild({
      id: '1456123460000000110',
      channel_id: threadId,
      channel_type: 11,
      content: 'more',
    });
    const { event, startThread } = ingested(
      parseDiscordMessage(message, { ...context, threadParentId: IDS.supportChannel }),
    );
    expect(startThread).toBeUndefined();
    expect(event.ref).toEqual({
      platform: 'discord',
      workspace: IDS.guild,
      channel: IDS.supportChannel,
      threadOrUser: threadId,
    });
  });

  it.each([
    ['a channel that is not a support channel', guild({ channel_id: IDS.otherChannel }), undefined],
    ['a thread of another channel', guild({ channel_id: '1456123460000000999' }), IDS.otherChannel],
    ['a thread whose parent is unknown', guild({ channel_id: '1456123460000000999' }), undefined],
  ])('ignores %s', (_, message, threadParentId) => {
    expect(parseDiscordMessage(message, { ...context, threadParentId })).toEqual({
      action: 'ignore',
      reason: 'outside_support_channels',
    });
  });

  it('ignores its own messages (even without the bot flag), other bots, webhooks and system messages', () => {
    const own = dm({ author: { id: IDS.bot, username: 'acme-support' } });
    expect(parseDiscordMessage(own, context)).toEqual({ action: 'ignore', reason: 'own_message' });
    const otherBot = dm({ author: { id: '1456123000000000077', username: 'other', bot: true } });
    expect(parseDiscordMessage(otherBot, context)).toEqual({ action: 'ignore', reason: 'bot_author' });
    const webhook = dm({ webhook_id: '1456123000000000088' });
    expect(parseDiscordMessage(webhook, context)).toEqual({ action: 'ignore', reason: 'bot_author' });
    const threadCreated = guild({ type: 18 });
    expect(parseDiscordMessage(threadCreated, context)).toEqual({
      action: 'ignore',
      reason: 'system_message',
    });
  });

  it('keeps replies (type 19) and records which message they answer', () => {
    const reply = dm({
      type: 19,
      message_reference: { message_id: '1456123460000000150', channel_id: IDS.dmChannel },
    });
    const { event } = ingested(parseDiscordMessage(reply, context));
    expect(event.replyContext).toEqual({
      messageId: '1456123460000000101',
      channelId: IDS.dmChannel,
      inReplyTo: '1456123460000000150',
    });
  });

  it('maps attachments with url, name, size and content type', () => {
    const attachments = [
      {
        id: '1456123460000000301',
        filename: 'receipt.png',
        size: 48213,
        url: 'https://cdn.discordapp.com/attachments/1/2/receipt.png',
        content_type: 'image/png',
      },
      {
        id: '1456123460000000302',
        filename: 'invoice.pdf',
        size: 9000,
        url: 'https://cdn.discordapp.com/a/invoice.pdf',
      },
    ];
    const { event } = ingested(parseDiscordMessage(dm({ content: '', attachments }), context));
    expect(event).toMatchObject({
      kind: 'message',
      text: '',
      attachments: [
        {
          kind: 'image',
          url: 'https://cdn.discordapp.com/attachments/1/2/receipt.png',
          name: 'receipt.png',
          sizeBytes: 48213,
          mimeType: 'image/png',
        },
        {
          kind: 'document',
          url: 'https://cdn.discordapp.com/a/invoice.pdf',
          name: 'invoice.pdf',
          sizeBytes: 9000,
        },
      ],
    });
  });

  it('turns a sticker-only message into unsupported content', () => {
    const sticker = dm({
      content: '',
      sticker_items: [{ id: '1456123460000000401', name: 'wave', format_type: 1 }],
    });
    const { event } = ingested(parseDiscordMessage(sticker, context));
    expect(event).toMatchObject({ kind: 'system', type: 'unsupported_content', detail: 'sticker' });
  });

  it('rejects a payload without an author', () => {
    const { author: _author, ...rest } = discordFixture('discord-message-create-dm.json').d;
    expect(() => readMessagePayload(rest)).toThrow(/author/);
  });
});

describe('resolveMentions', () => {
  const mentions = [
    { id: OTHER_CUSTOMER.id, username: 'plum.tree', global_name: 'Plum' },
    { id: '1456123300000000032', username: 'fig', global_name: null, member: { nick: 'Figgy' } },
  ];
  it('replaces user, role, channel, emoji and timestamp markup with readable text', () => {
    const text = resolveMentions(
      `<@${IDS.bot}> ask <@${OTHER_CUSTOMER.id}> and <@!1456123300000000032> in <#${IDS.supportChannel}>, ` +
        `ping <@&${IDS.staffRole}> <:party:1456123460000000500> at <t:1767229200:R> or <@1456123300000000099>`,
      { mentions },
      {
        botUserId: IDS.bot,
        roleNames: new Map([[IDS.staffRole, 'staff']]),
        channelNames: new Map([[IDS.supportChannel, 'help']]),
      },
    );
    expect(text).toBe(
      'ask @Plum and @Figgy in #help, ping @staff :party: at 2026-01-01T01:00:00.000Z or @unknown-user',
    );
  });

  it('leaves @everyone as plain text (rendering never lets it ping)', () => {
    expect(resolveMentions('@everyone help', { mentions: [] }, { botUserId: IDS.bot })).toBe(
      '@everyone help',
    );
  });
});

describe('parseDiscordInteraction', () => {
  const clickedMessage = (customId: string) => ({
    ...(discordFixture('discord-interaction-button.json').d.message as Record<string, unknown>),
    components: [
      {
        type: 1,
        components: [{ type: 2, style: 1, label: 'Talk to a person', custom_id: customId }],
      },
    ],
  });
  const click = (customId: string, extra: Partial<Parameters<typeof buttonClick>[0]> = {}) =>
    readInteractionPayload(
      buttonClick({ id: '1456123700000000201', customId, message: clickedMessage(customId), ...extra }),
    );
  const interactionContext = { supportChannelIds: context.supportChannelIds, customIdKey: key };

  it('maps a signed button click to the choice id, with what follow-ups need in replyContext', () => {
    const customId = signCustomId(key, toConversationKey(dmRef), 'sb:handoff', 0);
    const parsed = parseDiscordInteraction(click(customId), interactionContext);
    expect(parsed.action).toBe('ingest');
    if (parsed.action !== 'ingest') return;
    const event: InboundMessage = parsed.event;
    expect(event).toMatchObject({
      kind: 'message',
      id: '1456123700000000201',
      ref: dmRef,
      at: snowflakeTime('1456123700000000201'),
      text: 'Talk to a person',
      choiceId: 'sb:handoff',
      from: { id: IDS.customer, name: 'Kiwi' },
      replyContext: {
        channelId: IDS.dmChannel,
        interactionId: '1456123700000000201',
        interactionToken: 'token-1456123700000000201',
        applicationId: IDS.application,
        messageId: '1456123460000000150',
      },
    });
  });

  it('refuses the fixture’s unsigned custom_id', () => {
    const frame = discordFixture('discord-interaction-button.json');
    expect(parseDiscordInteraction(readInteractionPayload(frame.d), interactionContext)).toEqual({
      action: 'refuse',
      reason: 'invalid_custom_id',
    });
  });

  it('refuses a button signed for another conversation', () => {
    const otherRef = { ...dmRef, channel: OTHER_DM_CHANNEL, threadOrUser: OTHER_CUSTOMER.id };
    const foreign = signCustomId(key, toConversationKey(otherRef), 'sb:handoff', 0);
    expect(parseDiscordInteraction(click(foreign), interactionContext)).toEqual({
      action: 'refuse',
      reason: 'invalid_custom_id',
    });
  });

  it('maps a click in a support thread to the thread conversation', () => {
    const threadId = '1456123460000000102';
    const ref = {
      platform: 'discord',
      workspace: IDS.guild,
      channel: IDS.supportChannel,
      threadOrUser: threadId,
    };
    const customId = signCustomId(key, toConversationKey(ref), 'sb:dismiss', 1);
    const payload = readInteractionPayload(
      buttonClick({
        id: '1456123700000000202',
        customId,
        message: { ...clickedMessage(customId), channel_id: threadId },
        channelId: threadId,
        guild: { guildId: IDS.guild, parentId: IDS.supportChannel },
      }),
    );
    const parsed = parseDiscordInteraction(payload, interactionContext);
    expect(parsed).toMatchObject({ action: 'ingest', event: { ref, choiceId: 'sb:dismiss' } });
  });

  it('refuses a click in a guild channel that is not a support thread', () => {
    const payload = readInteractionPayload(
      buttonClick({
        id: '1456123700000000203',
        customId: 'c1xxxxxxxxxxxxxxxxsb:dismiss',
        message: clickedMessage('x'),
        channelId: '1456123460000000999',
        guild: { guildId: IDS.guild, parentId: IDS.otherChannel },
      }),
    );
    expect(parseDiscordInteraction(payload, interactionContext)).toEqual({
      action: 'refuse',
      reason: 'outside_support_channels',
    });
  });

  it('passes a choice whose id was too long for custom_id as its number', () => {
    const longId = `flow:${'x'.repeat(120)}`;
    const customId = signCustomId(key, toConversationKey(dmRef), longId, 2);
    const parsed = parseDiscordInteraction(click(customId), interactionContext);
    expect(parsed).toMatchObject({ action: 'ingest', event: { text: '3' } });
    if (parsed.action === 'ingest') expect(parsed.event.choiceId).toBeUndefined();
  });

  it('ignores interactions that are not button clicks', () => {
    const command = readInteractionPayload({
      ...discordFixture('discord-interaction-button.json').d,
      type: 2,
    });
    expect(parseDiscordInteraction(command, interactionContext)).toEqual({
      action: 'ignore',
      reason: 'unsupported_interaction',
    });
  });
});
