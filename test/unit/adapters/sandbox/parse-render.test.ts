import { describe, expect, it } from 'vitest';
import { parseSandboxRequest, toInboundMessage } from '../../../../adapters/sandbox/parse.ts';
import { renderSandboxReply } from '../../../../adapters/sandbox/render.ts';
import { BadRequestError } from '../../../../src/errors.ts';
import { toConversationKey } from '../../../../src/model/conversation-key.ts';

describe('sandbox parse', () => {
  it('accepts the documented body and builds an inbound message', () => {
    const request = parseSandboxRequest({
      conversationId: 'c1',
      text: 'hi',
      user: { id: 'u1', name: 'Ada' },
      choice: 'sb:handoff',
    });
    const event = toInboundMessage(request, 'sbx_1', 42);
    expect(event).toMatchObject({
      kind: 'message',
      id: 'sbx_1',
      text: 'hi',
      choiceId: 'sb:handoff',
      at: 42,
      from: { id: 'u1', name: 'Ada' },
    });
    expect(toConversationKey(event.ref)).toBe('sandbox:local:web:c1');
  });

  it.each([
    [{}, 'conversationId: is required'],
    [{ conversationId: 'c' }, 'text: is required'],
    [{ conversationId: 'c', text: 5 }, 'text:'],
    [{ conversationId: '', text: 'x' }, 'conversationId: must not be empty'],
    [{ conversationId: 'c', text: '  ' }, 'text: must not be empty'],
    [{ conversationId: 'c', text: 'x', user: { name: 'no id' } }, 'user.id: is required'],
    [[1, 2], 'body'],
  ])('rejects %o with a message naming the field', (body, message) => {
    expect(() => parseSandboxRequest(body)).toThrow(BadRequestError);
    expect(() => parseSandboxRequest(body)).toThrow(message);
  });
});

describe('sandbox render', () => {
  it('renders text with a numbered sources footer', () => {
    expect(
      renderSandboxReply({
        kind: 'text',
        text: 'Answer.',
        citations: [{ id: 'a', title: 'Reset', url: 'https://h/a' }],
      }),
    ).toEqual({
      text: 'Answer.\n\nSources:\n[1] Reset https://h/a',
    });
  });
  it('renders choices as id/label pairs', () => {
    expect(renderSandboxReply({ kind: 'choices', text: 'Pick', choices: [{ id: 'x', label: 'X' }] })).toEqual(
      { text: 'Pick', choices: [{ id: 'x', label: 'X' }] },
    );
  });
});
