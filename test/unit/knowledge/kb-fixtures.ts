import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A markdown article with front matter; `extra` lines go into the front matter verbatim. */
export function article(
  fields: { id: string; title: string; tags?: string; url?: string; extra?: string },
  body: string,
): string {
  return [
    '---',
    `id: ${fields.id}`,
    `title: ${fields.title}`,
    `tags: ${fields.tags ?? '[help]'}`,
    `url: ${fields.url ?? `https://help.example.com/articles/${fields.id}`}`,
    ...(fields.extra ? [fields.extra] : []),
    '---',
    body,
  ].join('\n');
}

/** Creates a temporary folder holding `files` (relative path → content) and returns its path. */
export async function tempKb(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchboard-kb-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A small support knowledge base used by the retrieval tests. */
export const SAMPLE_KB: Record<string, string> = {
  'account/reset-password.md': article(
    { id: 'reset-password', title: 'How do I reset my password?', tags: '[account, password, sign-in]' },
    [
      'To reset your password, select **Forgot password?** on the sign-in page and follow the link we email you. The link is valid for 60 minutes.',
      '',
      '## The reset email did not arrive',
      '',
      'Check your spam folder and make sure you typed the address on your account. You can request up to 5 links per hour.',
      '',
      '## Password requirements',
      '',
      '- At least 12 characters',
      '- Not one of your last 5 passwords',
    ].join('\n'),
  ),
  'billing/double-charge.md': article(
    { id: 'double-charge', title: 'I was charged twice', tags: '[billing, duplicate-charge]' },
    [
      'If you see two identical charges, one is usually a pending authorisation that disappears within 3 business days. If both are still there after that, contact us and we refund the duplicate.',
      '',
      '## Pending authorisation or real charge?',
      '',
      'A pending authorisation is a temporary hold your bank places when you pay. It is released automatically.',
    ].join('\n'),
  ),
  'orders/track-order.md': article(
    { id: 'track-order', title: 'Where is my order? Tracking your order', tags: '[orders, tracking]' },
    [
      'Open **Account > Orders** and select the order to see its tracking number and the latest carrier scan.',
      '',
      '## Tracking has not updated',
      '',
      'Carriers sometimes scan parcels only at the depot. Allow 2 business days before contacting us.',
    ].join('\n'),
  ),
  'returns/refund-timing.md': article(
    { id: 'refund-timing', title: 'When will I get my refund?', tags: '[refunds, returns]' },
    [
      '# When will I get my refund?',
      '',
      'We refund within 5 business days of receiving your return.',
      '',
      '## Refunds',
      '',
      '### Timing',
      '',
      'Card refunds take a further 3 to 10 business days to appear, depending on your bank.',
      '',
      '### Gift cards',
      '',
      'Refunds to gift cards are instant.',
    ].join('\n'),
  ),
};
