import { describe, expect, it } from 'vitest';
import {
  MAX_INLINE_CHOICE_ID_LENGTH,
  deriveCustomIdKey,
  signCustomId,
  verifyCustomId,
} from '../../../../adapters/discord/custom-id.ts';
import {
  nonceFor,
  renderAnsweredComponents,
  renderDiscordMessage,
  renderEphemeral,
  renderThreadName,
  splitContent,
  targetChannelOf,
} from '../../../../adapters/discord/render.ts';
import type { DiscordMessageBody } from '../../../../adapters/discord/types.ts';
import type { OutboundMessage } from '../../../../src/model/outbound-message.ts';
import { discordFixture } from '../../../fakes/fake-discord/payloads.ts';

const key = deriveCustomIdKey('test-secret');
const conversationKey = 'discord:@me:1456123400000000020:1456123300000000030';
const options = { customIdKey: key, conversationKey, idempotencyKey: 'evt-1:0' };
const render = (message: OutboundMessage) => renderDiscordMessage(message, options);

/** A sentence-y text of exactly `length` characters. */
function prose(length: number): string {
  const words = 'Your refund is on its way and should arrive within five business days. ';
  return words.repeat(Math.ceil(length / words.length)).slice(0, length);
}

describe('renderDiscordMessage', () => {
  it('puts allowed_mentions {parse: []}, a ≤ 25-character nonce and enforce_nonce on every body', () => {
    const bodies = [
      ...render({ kind: 'text', text: '@everyone the staff reply <@&1456123000000000500>' }),
      ...render({ kind: 'handoff_notice', text: 'A person will reply here.', state: 'waiting_for_human' }),
      ...render({ kind: 'choices', text: 'Pick one', choices: [{ id: 'a', label: 'A' }] }),
      ...render({ kind: 'attachment', url: 'https://example.com/label.pdf', name: 'label.pdf' }),
      ...render({ kind: 'text', text: prose(2500) }),
    ];
    expect(bodies).toHaveLength(6);
    for (const body of bodies) {
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.enforce_nonce).toBe(true);
      expect(body.nonce?.length).toBeGreaterThan(0);
      expect(body.nonce?.length).toBeLessThanOrEqual(25);
    }
    expect(bodies[0]?.content).toBe('@everyone the staff reply <@&1456123000000000500>');
  });

  it('derives nonces from the idempotency key and part: stable on retry, distinct otherwise', () => {
    expect(nonceFor('evt-1:0', 0)).toBe(nonceFor('evt-1:0', 0));
    expect(nonceFor('evt-1:0', 0)).not.toBe(nonceFor('evt-1:0', 1));
    expect(nonceFor('evt-1:0', 0)).not.toBe(nonceFor('evt-1:1', 0));
    const twice = [render({ kind: 'text', text: prose(2500) }), render({ kind: 'text', text: prose(2500) })];
    expect(twice[0]?.map((b) => b.nonce)).toEqual(twice[1]?.map((b) => b.nonce));
  });

  it('splits a 2,500-character answer into two messages under 2,000 that keep every word', () => {
    const text = prose(2500);
    const bodies = render({ kind: 'text', text, citations: [{ id: 'refunds', title: 'Refund timing' }] });
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(body.content?.length).toBeLessThanOrEqual(2000);
    expect(bodies.map((b) => b.content).join(' ')).toBe(text.trim());
    expect(bodies[0]?.embeds).toBeUndefined();
    expect(bodies[1]?.embeds).toEqual([{ title: 'Sources', description: '• Refund timing' }]);
  });

  it('renders choices as signed buttons in rows of at most five', () => {
    const choices = Array.from({ length: 7 }, (_, i) => ({
      id: `sb:kb:article-${i}`,
      label: `Article ${i}`,
    }));
    const [body] = render({ kind: 'choices', text: 'Which one?', choices });
    const rows = body?.components ?? [];
    expect(rows.map((r) => r.components.length)).toEqual([5, 2]);
    const buttons = rows.flatMap((r) => r.components);
    expect(buttons.map((b) => b.label)).toEqual(choices.map((c) => c.label));
    for (const [i, button] of buttons.entries()) {
      expect(button.custom_id?.length).toBeLessThanOrEqual(100);
      expect(verifyCustomId(key, conversationKey, button.custom_id ?? '')).toEqual({
        kind: 'choice',
        choiceId: choices[i]?.id,
      });
      expect(verifyCustomId(key, 'discord:@me:1:2', button.custom_id ?? '')).toBeNull();
    }
  });

  it('shows at most 20 choices as buttons and numbers the rest; clips long labels to 80', () => {
    const choices = Array.from({ length: 23 }, (_, i) => ({ id: `c${i}`, label: `${'L'.repeat(90)}${i}` }));
    const [body] = render({ kind: 'choices', text: 'Pick', choices });
    const buttons = body?.components?.flatMap((r) => r.components) ?? [];
    expect(buttons).toHaveLength(20);
    expect(Math.max(...buttons.map((b) => b.label.length))).toBe(80);
    expect(body?.content).toMatch(/\n21\. L+20\n22\. L+21\n23\. L+22$/);
  });

  it('renders citations with a URL as link buttons and the others in a sources embed', () => {
    const [body] = render({
      kind: 'choices',
      text: 'Did this help?',
      choices: [{ id: 'yes', label: 'Yes' }],
      citations: [
        { id: 'a', title: 'Refund timing', url: 'https://help.example.com/refunds' },
        { id: 'b', title: 'Returns [policy]' },
      ],
    });
    expect(body?.components?.[1]).toEqual({
      type: 1,
      components: [{ type: 2, style: 5, label: 'Refund timing', url: 'https://help.example.com/refunds' }],
    });
    expect(body?.embeds).toEqual([{ title: 'Sources', description: '• Returns [policy]' }]);
  });

  it('renders an attachment as text and its link', () => {
    const [body] = render({
      kind: 'attachment',
      url: 'https://x.example/l.pdf',
      name: 'label.pdf',
      text: 'Here:',
    });
    expect(body?.content).toBe('Here:\nlabel.pdf: https://x.example/l.pdf');
  });
});

describe('splitContent', () => {
  it('leaves short text alone and prefers paragraph boundaries', () => {
    expect(splitContent('hello')).toEqual(['hello']);
    const a = 'a'.repeat(1500);
    const b = 'b'.repeat(1500);
    expect(splitContent(`${a}\n\n${b}`)).toEqual([a, b]);
  });

  it('closes and reopens a code fence across pieces', () => {
    const code = Array.from({ length: 120 }, (_, i) => `console.log(${i}); // line ${i}`).join('\n');
    const parts = splitContent(`Run this:\n\`\`\`js\n${code}\n\`\`\`\nDone.`);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2000);
      expect((part.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(parts[1]?.startsWith('```js\n')).toBe(true);
  });

  it('never splits a surrogate pair when it has to cut inside a word', () => {
    const text = '😀'.repeat(1500);
    const parts = splitContent(text);
    expect(parts.join('')).toBe(text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2000);
      expect(part).not.toMatch(/[\ud800-\udbff]$/);
    }
  });
});

describe('signed custom ids', () => {
  it('fit in 100 characters; long choice ids fall back to the choice number', () => {
    const fits = 'x'.repeat(MAX_INLINE_CHOICE_ID_LENGTH);
    expect(signCustomId(key, conversationKey, fits, 0)).toHaveLength(100);
    const long = signCustomId(key, conversationKey, `${fits}y`, 4);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(verifyCustomId(key, conversationKey, long)).toEqual({ kind: 'index', index: 4 });
  });

  it('reject a changed character, another key and junk', () => {
    const id = signCustomId(key, conversationKey, 'sb:handoff', 0);
    const flipped = `${id.slice(0, 5)}${id[5] === 'A' ? 'B' : 'A'}${id.slice(6)}`;
    expect(verifyCustomId(key, conversationKey, flipped)).toBeNull();
    expect(verifyCustomId(key, conversationKey, `${id.slice(0, -1)}X`)).toBeNull();
    expect(verifyCustomId(deriveCustomIdKey('other'), conversationKey, id)).toBeNull();
    expect(verifyCustomId(key, conversationKey, 'handoff:hf_9a1z7:agent')).toBeNull();
    expect(verifyCustomId(key, conversationKey, '')).toBeNull();
  });
});

describe('interaction and thread helpers', () => {
  it('disables the clicked message’s buttons, marks the chosen one and keeps links', () => {
    const message = discordFixture('discord-interaction-button.json').d.message as {
      components: Parameters<typeof renderAnsweredComponents>[0];
    };
    const withLink = [
      ...message.components,
      { components: [{ type: 2, style: 5, label: 'Docs', url: 'https://help.example.com' }] },
    ];
    expect(renderAnsweredComponents(withLink, 'handoff:hf_9a1z7:agent')).toEqual([
      {
        type: 1,
        components: [
          {
            type: 2,
            style: 3,
            label: 'Talk to a person',
            custom_id: 'handoff:hf_9a1z7:agent',
            disabled: true,
          },
          { type: 2, style: 2, label: 'No thanks', custom_id: 'handoff:hf_9a1z7:dismiss', disabled: true },
        ],
      },
      { type: 1, components: [{ type: 2, style: 5, label: 'Docs', url: 'https://help.example.com' }] },
    ]);
  });

  it('builds ephemeral refusals without mentions', () => {
    const body: DiscordMessageBody = renderEphemeral('nope');
    expect(body).toEqual({ content: 'nope', flags: 64, allowed_mentions: { parse: [] } });
  });

  it('names threads after the customer and their question, within 100 characters', () => {
    expect(renderThreadName('Kiwi', 'can someone help\nwith billing?')).toBe(
      'Kiwi · can someone help with billing?',
    );
    expect(renderThreadName('Kiwi', 'x'.repeat(300))).toHaveLength(100);
    expect(renderThreadName('Kiwi', '   ')).toBe('Kiwi · support');
  });

  it('sends DM conversations to the DM channel and guild conversations to their thread', () => {
    expect(
      targetChannelOf({ platform: 'discord', workspace: '@me', channel: 'dm', threadOrUser: 'user' }),
    ).toBe('dm');
    expect(
      targetChannelOf({ platform: 'discord', workspace: 'g', channel: 'support', threadOrUser: 'thread' }),
    ).toBe('thread');
  });
});
