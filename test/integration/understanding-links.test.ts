import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { CopyFileError } from '../../src/copy/copy-loader.ts';
import { KbValidationError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logging/pino-logger.ts';
import { createUnderstanding } from '../../src/understanding.ts';

const root = resolve(import.meta.dirname, '../..');

const INTENTS = `intents:
  - name: billing_issue
    description: Charges.
    examples: [charged twice, double charge, billed twice, refund my charge]
  - name: greeting
    description: Hello.
    examples: [hi, hello, hey there, good morning]
`;

function workspace(article: string, topicArticle = 'double-charge'): { kb: string; intents: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-links-'));
  const kb = join(dir, 'kb');
  cpSync(join(root, 'kb/copy'), join(kb, 'copy'), { recursive: true });
  const english = readFileSync(join(kb, 'copy/en.yml'), 'utf8').replace(
    /topics:[\s\S]*$/,
    `topics:\n  - label: "Charged twice"\n    article: ${topicArticle}\n`,
  );
  writeFileSync(join(kb, 'copy/en.yml'), english);
  for (const locale of ['es', 'de', 'fr', 'pt']) {
    const file = join(kb, `copy/${locale}.yml`);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/topics:[\s\S]*$/, ''));
  }
  writeFileSync(join(kb, 'double-charge.md'), article);
  const intents = join(dir, 'intents.yml');
  writeFileSync(intents, INTENTS);
  return { kb, intents };
}

const ARTICLE = (intents: string) =>
  `---\nid: double-charge\ntitle: Charged twice\ntags: [billing]\nintents: [${intents}]\nurl: /help/double-charge\n---\nIf you were charged twice, one charge is a hold.\n`;

const build = (paths: { kb: string; intents: string }) =>
  createUnderstanding(
    loadConfig({
      LOG_LEVEL: 'silent',
      KB_DIR: paths.kb,
      INTENTS_FILE: paths.intents,
      KB_CACHE_DIR: join(paths.kb, '.cache'),
    }),
    silentLogger,
  );

describe('startup checks of intent links and copy topics', () => {
  it('starts with links to declared intents and topics that are articles', async () => {
    const understanding = await build(workspace(ARTICLE('billing_issue')));
    expect(understanding.copy?.('en').topics[0]?.article).toBe('double-charge');
  });

  it('refuses an article that links an intent the intents file does not declare, naming both', async () => {
    const error = await build(workspace(ARTICLE('billing_isue'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KbValidationError);
    expect(String((error as Error).message)).toMatch(
      /double-charge.*"intents".*"billing_isue".*intents\.yml/s,
    );
  });

  it('refuses an off-topic topic that names no article, naming the copy file and key', async () => {
    const error = await build(workspace(ARTICLE('billing_issue'), 'no-such-article')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CopyFileError);
    expect(String((error as Error).message)).toMatch(
      /copy\/en\.yml: topics\[0\]\.article: names "no-such-article"/,
    );
  });
});
