import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CopyFileError, createCopy } from '../../../src/copy/copy-loader.ts';
import { fillCopy } from '../../../src/ports/copy.ts';

const shipped = resolve(import.meta.dirname, '../../../kb/copy');
const english = readFileSync(join(shipped, 'en.yml'), 'utf8');

function copyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-copy-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

function loadError(dir: string): CopyFileError {
  try {
    createCopy(dir);
  } catch (error) {
    if (error instanceof CopyFileError) return error;
    throw error;
  }
  throw new Error('createCopy did not throw');
}

describe('kb/copy (the shipped copy files)', () => {
  const copyFor = createCopy(shipped);

  it.each(['en', 'es', 'de', 'fr', 'pt'])('ships a complete %s file: every sentence translated', (locale) => {
    const raw = parseYaml(readFileSync(join(shipped, `${locale}.yml`), 'utf8')) as Record<string, unknown>;
    const reference = parseYaml(english) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(Object.keys(reference).sort());
    expect(copyFor(locale).locale).toBe(locale);
    if (locale !== 'en') expect(copyFor(locale).greeting).not.toBe(copyFor('en').greeting);
  });

  it('falls back by language, then to English', () => {
    expect(copyFor('es-MX').locale).toBe('es');
    expect(copyFor('PT-br').locale).toBe('pt');
    expect(copyFor('und').locale).toBe('en');
    expect(copyFor('it').locale).toBe('en');
    expect(copyFor(undefined).locale).toBe('en');
  });

  it('offers topics that are kb/ articles', async () => {
    const { loadKnowledgeBase } = await import('../../../src/knowledge/kb-loader.ts');
    const ids = new Set((await loadKnowledgeBase(resolve(shipped, '..'))).map((a) => a.metadata.id));
    for (const locale of ['en', 'es', 'de', 'fr', 'pt']) {
      for (const topic of copyFor(locale).topics) expect(ids.has(topic.article), topic.article).toBe(true);
    }
  });
});

describe('the engine says nothing of its own', () => {
  it('keeps company wording and customer sentences out of src/engine (they come from kb/copy)', async () => {
    const { readdirSync } = await import('node:fs');
    const engineDir = resolve(import.meta.dirname, '../../../src/engine');
    const files = readdirSync(engineDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    for (const file of files) {
      const source = readFileSync(join(engineDir, file), 'utf8');
      expect(source, file).not.toMatch(/Brightcart/);
      expect(source, file).not.toMatch(/['`](?:Sorry|Thanks|I’m|I'm|Hi!|No problem)[^'`]*['`]/);
    }
  });
});

describe('createCopy', () => {
  it('names the file and the key when English lacks a sentence', () => {
    const dir = copyDir({ 'en.yml': english.replace(/^deskDown:.*$/m, '') });
    const error = loadError(dir);
    expect(error.key).toBe('deskDown');
    expect(error.message).toContain(join(dir, 'en.yml'));
    expect(error.message).toMatch(/deskDown: is missing/);
  });

  it('names a missing choice label', () => {
    const error = loadError(copyDir({ 'en.yml': english.replace(/^ {2}ratingBad:.*$/m, '') }));
    expect(error.key).toBe('choices.ratingBad');
  });

  it('requires en.yml', () => {
    const error = loadError(copyDir({ 'es.yml': 'greeting: "Hola"\n' }));
    expect(error.message).toMatch(/en\.yml: is missing/);
  });

  it('rejects an unknown key (a typo) in any locale', () => {
    const error = loadError(copyDir({ 'en.yml': english, 'es.yml': 'greting: "Hola"\n' }));
    expect(error.file).toMatch(/es\.yml$/);
    expect(error.key).toBe('greting');
  });

  it('rejects a placeholder the English sentence does not have', () => {
    const error = loadError(copyDir({ 'en.yml': english, 'de.yml': 'handoff: "Zurück um {backAt}"\n' }));
    expect(error.key).toBe('handoff');
    expect(error.message).toMatch(/\{backAt\}/);
  });

  it('falls back to English per key for a partial translation', () => {
    const copyFor = createCopy(copyDir({ 'en.yml': english, 'fr.yml': 'greeting: "Salut !"\n' }));
    expect(copyFor('fr').greeting).toBe('Salut !');
    expect(copyFor('fr').deskDown).toBe(copyFor('en').deskDown);
    expect(copyFor('fr').choices.handoff).toBe('Talk to a person');
  });
});

describe('fillCopy', () => {
  it('fills known placeholders and leaves unknown ones visible', () => {
    expect(fillCopy('back at {backAt}, {who}', { backAt: '09:00 UTC' })).toBe('back at 09:00 UTC, {who}');
  });
});
