import { afterEach, describe, expect, it } from 'vitest';
import { shippedCopy } from '../../src/copy/shipped-copy.ts';
import { outboundText } from '../../src/model/outbound-message.ts';
import type { Copy, CopyFor } from '../../src/ports/copy.ts';
import { RecordingDesk } from '../fakes/recording-desk.ts';
import { type Harness, createHarness } from '../helpers/engine-harness.ts';
import { customerMessage } from '../helpers/events.ts';

/** A voice no shipped file has, so a sentence from anywhere else shows up as a mismatch. */
function customCopy(): { copyFor: CopyFor; asked: (string | undefined)[] } {
  const english = shippedCopy()('en');
  const asked: (string | undefined)[] = [];
  const custom: Copy = {
    ...english,
    unknown: 'No clue, friend.',
    deskDown: 'Our people are unreachable for a moment.',
    choices: { ...english.choices, handoff: 'A human, please', dismiss: 'Never mind' },
  };
  return {
    asked,
    copyFor: (locale) => {
      asked.push(locale);
      return custom;
    },
  };
}

async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  return check();
}

describe('the engine speaks with the copy it is given', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('uses the injected sentences and choice labels in a customer turn', async () => {
    const { copyFor, asked } = customCopy();
    h = await createHarness({ backend: 'memory', copy: copyFor });
    const m = customerMessage('c1', 'zebra quantum flux');
    await h.engine.ingest(m);
    await h.queue.idle();
    const reply = h.adapter.repliesTo(m.id)[0]?.message;
    expect(reply).toMatchObject({
      kind: 'choices',
      text: 'No clue, friend.',
      choices: [
        { id: 'sb:handoff', label: 'A human, please' },
        { id: 'sb:dismiss', label: 'Never mind' },
      ],
    });
    expect(asked.length).toBeGreaterThan(0);
  });

  it('uses the injected desk-down notice when the desk cannot be reached', async () => {
    const { copyFor } = customCopy();
    const desk = new RecordingDesk();
    desk.down = true;
    h = await createHarness({ backend: 'memory', copy: copyFor, desk });
    const ask = customerMessage('c2', 'a person please');
    await h.engine.ingest(ask);
    expect(await until(() => h.adapter.sent.some((e) => e.idempotencyKey.endsWith(':desk_down')))).toBe(true);
    const notice = h.adapter.sent.find((e) => e.idempotencyKey.endsWith(':desk_down'));
    expect(notice && outboundText(notice.message)).toBe('Our people are unreachable for a moment.');
    desk.down = false;
    expect(await until(() => desk.of('open').length === 1)).toBe(true);
  });
});
