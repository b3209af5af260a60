import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.ts';
import { parseConversationKey, toConversationKey } from '../../../src/model/conversation-key.ts';

describe('conversation key', () => {
  it('has the shape platform:workspace:channel:thread-or-user', () => {
    expect(
      toConversationKey({ platform: 'discord', workspace: 'g1', channel: 'c1', threadOrUser: 't1' }),
    ).toBe('discord:g1:c1:t1');
  });

  it.each([
    {
      platform: 'slack',
      workspace: 'T07SUPPORT1',
      channel: 'C07TRIAGE01',
      threadOrUser: '1767229000.000200',
    },
    {
      platform: 'whatsapp',
      workspace: '105555555555555',
      channel: 'dm',
      threadOrUser: 'GB.4837261950384756123',
    },
    { platform: 'sandbox', workspace: 'local', channel: 'web', threadOrUser: 'a:b%3A:c%' },
  ])('round-trips $platform refs, even with ":" and "%" inside ids', (ref) => {
    const key = toConversationKey(ref);
    expect(key.split(':')).toHaveLength(4);
    expect(parseConversationKey(key)).toEqual(ref);
  });

  it('rejects malformed keys and empty parts with a typed error', () => {
    expect(() => parseConversationKey('a:b:c')).toThrow(BotError);
    expect(() =>
      toConversationKey({ platform: 'x', workspace: '', channel: 'c', threadOrUser: 'u' }),
    ).toThrow(/workspace/);
  });
});
