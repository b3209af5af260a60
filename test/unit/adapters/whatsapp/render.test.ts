import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH } from '../../../../adapters/whatsapp/limits.ts';
import {
  renderWhatsAppMessage,
  renderWhatsAppTemplate,
  splitText,
  toWhatsAppMarkup,
} from '../../../../adapters/whatsapp/render.ts';
import type { Choice } from '../../../../src/model/outbound-message.ts';

const choices = (n: number, label = (i: number) => `Option ${i + 1}`): Choice[] =>
  Array.from({ length: n }, (_, i) => ({ id: `c${i + 1}`, label: label(i) }));

describe('text', () => {
  it('renders a short text as one text message without link previews', () => {
    expect(renderWhatsAppMessage({ kind: 'text', text: 'Hello there.' })).toEqual([
      { type: 'text', text: { body: 'Hello there.', preview_url: false } },
    ]);
  });

  it('numbers citations as links under the text', () => {
    const [part] = renderWhatsAppMessage({
      kind: 'text',
      text: 'Use the Forgot password link.',
      citations: [
        { id: 'a', title: 'Reset your password', url: 'https://help.example.com/reset' },
        { id: 'b', title: 'Account locked' },
      ],
    });
    expect(part).toEqual({
      type: 'text',
      text: {
        body: 'Use the Forgot password link.\n\nSources:\n[1] Reset your password: https://help.example.com/reset\n[2] Account locked',
        preview_url: false,
      },
    });
  });

  it('splits text over 4,096 characters on sentence boundaries, losing nothing', () => {
    const sentence = 'This sentence is exactly fifty characters long ok. ';
    const text = sentence.repeat(200).trim();
    const parts = renderWhatsAppMessage({ kind: 'text', text });
    expect(parts.length).toBe(3);
    const bodies = parts.map((p) => (p.type === 'text' ? p.text.body : ''));
    for (const body of bodies) {
      expect(body.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      expect(body.endsWith('ok.')).toBe(true);
    }
    expect(bodies.join(' ')).toBe(text);
  });
});

describe('splitText', () => {
  it('prefers paragraph, then line, then sentence, then word boundaries', () => {
    expect(splitText('aaaa aaaa.\n\nbbbb', 12)).toEqual(['aaaa aaaa.', 'bbbb']);
    expect(splitText('aaaa aaaa\nbbbb', 12)).toEqual(['aaaa aaaa', 'bbbb']);
    expect(splitText('Aaaa. Bbbb cc dd', 12)).toEqual(['Aaaa. Bbbb', 'cc dd']);
    expect(splitText('One two three four', 10)).toEqual(['One two', 'three four']);
  });

  it('cuts a word without spaces hard, never through a surrogate pair', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    const emoji = '😀😀😀';
    const parts = splitText(`a${emoji}`, 4);
    expect(parts.join('')).toBe(`a${emoji}`);
    for (const part of parts) expect(part).not.toMatch(/[\ud800-\udbff]$/);
  });

  it('returns one empty part for empty text', () => {
    expect(splitText('   ', 10)).toEqual(['']);
  });
});

describe('markdown to WhatsApp markup', () => {
  it.each([
    ['**bold** and __bold__', '*bold* and *bold*'],
    ['*italic* and _italic_', '_italic_ and _italic_'],
    ['~~gone~~', '~gone~'],
    ['## Refunds', '*Refunds*'],
    ['See [the guide](https://x.example/guide).', 'See the guide (https://x.example/guide).'],
    ['[https://x.example](https://x.example)', 'https://x.example'],
    ['* one\n+ two\n- three', '- one\n- two\n- three'],
    ['keep `**code**` and\n```\n**block**\n```', 'keep `**code**` and\n```\n**block**\n```'],
    ['a **bold *and italic* mix**', 'a *bold _and italic_ mix*'],
    ['2 * 3 * 4 = 24', '2 * 3 * 4 = 24'],
  ])('%j → %j', (markdown, expected) => {
    expect(toWhatsAppMarkup(markdown)).toBe(expected);
  });
});

describe('choices', () => {
  it('up to 3 short choices become reply buttons', () => {
    expect(
      renderWhatsAppMessage({
        kind: 'choices',
        text: 'Did that help?',
        choices: [
          { id: 'sb:handoff', label: 'Talk to a person' },
          { id: 'sb:dismiss', label: 'No thanks' },
        ],
      }),
    ).toEqual([
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Did that help?' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'sb:handoff', title: 'Talk to a person' } },
              { type: 'reply', reply: { id: 'sb:dismiss', title: 'No thanks' } },
            ],
          },
        },
      },
    ]);
  });

  it('4 to 10 choices become a list message (rows ≤ 24, full label kept in the description)', () => {
    const long = 'How do I change my delivery address after ordering?';
    const [part] = renderWhatsAppMessage({
      kind: 'choices',
      text: 'Which one matches your question?',
      choices: [...choices(3), { id: 'long', label: long }],
    });
    expect(part).toEqual({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Which one matches your question?' },
        action: {
          button: 'Choose',
          sections: [
            {
              rows: [
                { id: 'c1', title: 'Option 1' },
                { id: 'c2', title: 'Option 2' },
                { id: 'c3', title: 'Option 3' },
                { id: 'long', title: 'How do I change my deli…', description: long },
              ],
            },
          ],
        },
      },
    });
    if (part?.type === 'interactive' && part.interactive.type === 'list') {
      const row = part.interactive.action.sections[0]?.rows[3];
      expect(row?.title.length).toBeLessThanOrEqual(24);
      expect(row?.description?.length).toBeLessThanOrEqual(72);
    }
  });

  it('a button title over 20 characters moves even 2 choices to a list', () => {
    const [part] = renderWhatsAppMessage({
      kind: 'choices',
      text: 'Pick one',
      choices: [
        { id: 'a', label: 'Talk to a real person now' },
        { id: 'b', label: 'No' },
      ],
    });
    expect(part?.type === 'interactive' && part.interactive.type).toBe('list');
  });

  it('uses the configured list button label', () => {
    const [part] = renderWhatsAppMessage(
      { kind: 'choices', text: 'x', choices: choices(5) },
      { listButtonLabel: 'Optionen' },
    );
    expect(
      part?.type === 'interactive' && part.interactive.type === 'list' && part.interactive.action.button,
    ).toBe('Optionen');
  });

  it('more than 10 choices become numbered text', () => {
    expect(renderWhatsAppMessage({ kind: 'choices', text: 'Pick a topic:', choices: choices(11) })).toEqual([
      {
        type: 'text',
        text: {
          body: `Pick a topic:\n\n${Array.from({ length: 11 }, (_, i) => `${i + 1}. Option ${i + 1}`).join('\n')}`,
          preview_url: false,
        },
      },
    ]);
  });

  it('a body over 1,024 characters is sent as text first, buttons with the last part', () => {
    const text = `${'First part sentence. '.repeat(60).trim()}\n\nWhich do you want?`;
    const parts = renderWhatsAppMessage({ kind: 'choices', text, choices: choices(2) });
    expect(parts.map((p) => p.type)).toEqual(['text', 'interactive']);
    const last = parts[1];
    if (last?.type !== 'interactive') throw new Error('expected interactive');
    expect(last.interactive.body.text.length).toBeLessThanOrEqual(1024);
    const first = parts[0]?.type === 'text' ? parts[0].text.body : '';
    expect(`${first}\n\n${last.interactive.body.text}`).toBe(text);
  });

  it('adds citations to the interactive body', () => {
    const [part] = renderWhatsAppMessage({
      kind: 'choices',
      text: 'Did this answer it?',
      choices: choices(2),
      citations: [{ id: 'a', title: 'Refunds', url: 'https://h.example/refunds' }],
    });
    expect(part?.type === 'interactive' && part.interactive.body.text).toBe(
      'Did this answer it?\n\nSources:\n[1] Refunds: https://h.example/refunds',
    );
  });
});

describe('attachments', () => {
  it('sends images by link with the caption', () => {
    expect(
      renderWhatsAppMessage({
        kind: 'attachment',
        url: 'https://cdn.example/label.png',
        mimeType: 'image/png',
        text: 'Your **label**',
      }),
    ).toEqual([{ type: 'image', image: { link: 'https://cdn.example/label.png', caption: 'Your *label*' } }]);
  });

  it('sends other files as documents with the file name, guessing the kind from the URL without a mime type', () => {
    expect(
      renderWhatsAppMessage({
        kind: 'attachment',
        url: 'https://cdn.example/invoice.pdf',
        name: 'invoice.pdf',
      }),
    ).toEqual([
      { type: 'document', document: { link: 'https://cdn.example/invoice.pdf', filename: 'invoice.pdf' } },
    ]);
    expect(renderWhatsAppMessage({ kind: 'attachment', url: 'https://cdn.example/a.JPG?x=1' })[0]?.type).toBe(
      'image',
    );
    expect(
      renderWhatsAppMessage({
        kind: 'attachment',
        url: 'https://cdn.example/a.gif',
        mimeType: 'image/gif',
      })[0]?.type,
    ).toBe('document');
  });

  it('sends audio without a caption, its text as a message before it', () => {
    expect(
      renderWhatsAppMessage({
        kind: 'attachment',
        url: 'https://cdn.example/a.mp3',
        mimeType: 'audio/mpeg',
        text: 'Listen',
      }),
    ).toEqual([
      { type: 'text', text: { body: 'Listen', preview_url: false } },
      { type: 'audio', audio: { link: 'https://cdn.example/a.mp3' } },
    ]);
  });
});

describe('handoff notices and templates', () => {
  it('renders a handoff notice as text', () => {
    expect(
      renderWhatsAppMessage({
        kind: 'handoff_notice',
        text: 'A person will reply.',
        state: 'waiting_for_human',
      }),
    ).toEqual([{ type: 'text', text: { body: 'A person will reply.', preview_url: false } }]);
  });

  it('fills template parameters, {{text}} with the message text, whitespace collapsed', () => {
    expect(
      renderWhatsAppTemplate(
        { name: 'staff_follow_up', language: 'en_US', params: ['Brightcart', '{{text}}'] },
        { kind: 'text', text: 'Your refund\n\nwas sent.\tThanks' },
      ),
    ).toEqual({
      type: 'template',
      template: {
        name: 'staff_follow_up',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Brightcart' },
              { type: 'text', text: 'Your refund was sent. Thanks' },
            ],
          },
        ],
      },
    });
    expect(renderWhatsAppTemplate({ name: 'csat', language: 'en' }, { kind: 'text', text: 'x' })).toEqual({
      type: 'template',
      template: { name: 'csat', language: { code: 'en' } },
    });
  });
});
