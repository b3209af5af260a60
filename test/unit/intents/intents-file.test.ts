import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IntentsFileError, loadIntentsFile, parseIntentsFile } from '../../../src/intents/intents-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'intents-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeFile(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

const VALID = `
intents:
  - name: order_status
    description: Where an order is.
    examples:
      - where is my order?
      - track my package
  - name: greeting
    description: Hello.
    examples: [hi, hello]
out_of_scope:
  - what's the weather
`;

describe('loadIntentsFile', () => {
  it('flattens examples and keeps descriptions and out-of-scope texts', () => {
    const file = loadIntentsFile(writeFile('ok.yml', VALID));
    expect(file.intents.map((i) => i.name)).toEqual(['order_status', 'greeting']);
    expect(file.intents[0]?.description).toBe('Where an order is.');
    expect(file.examples).toEqual([
      { text: 'where is my order?', label: 'order_status' },
      { text: 'track my package', label: 'order_status' },
      { text: 'hi', label: 'greeting' },
      { text: 'hello', label: 'greeting' },
    ]);
    expect(file.oosExamples).toEqual(["what's the weather"]);
  });

  it('treats out_of_scope as optional', () => {
    const file = parseIntentsFile(VALID.replace(/out_of_scope:[\s\S]*$/, ''), 'x.yml');
    expect(file.oosExamples).toEqual([]);
  });

  it('reads other_services, and treats it as optional', () => {
    expect(parseIntentsFile(`${VALID}other_services: [netflix, best buy]\n`, 'x.yml').otherServices).toEqual([
      'netflix',
      'best buy',
    ]);
    expect(parseIntentsFile(VALID, 'x.yml').otherServices).toEqual([]);
  });

  it('names the file and the intent with a bad entry', () => {
    const path = writeFile(
      'bad-entry.yml',
      `
intents:
  - name: order_status
    description: Where an order is.
    examples: [where is my order]
  - name: refund_status
    description: Refunds.
    examples:
      - where is my refund
      - 42
`,
    );
    expect(() => loadIntentsFile(path)).toThrow(IntentsFileError);
    expect(() => loadIntentsFile(path)).toThrow(path);
    expect(() => loadIntentsFile(path)).toThrow(/intents\[1\] \(refund_status\)\.examples\[1\]/);
  });

  it('rejects missing descriptions, bad names and unknown keys', () => {
    const source = `
intents:
  - name: Order Status
    examples: [where is my order]
    exmaples: [typo]
`;
    let message = '';
    try {
      parseIntentsFile(source, 'nlu/broken.yml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^nlu\/broken\.yml: /);
    expect(message).toMatch(/intents\[0\] \(Order Status\)\.name: must be snake_case/);
    expect(message).toMatch(/intents\[0\] \(Order Status\)\.description/);
    expect(message).toMatch(/exmaples/);
  });

  it('rejects duplicate intents and a phrasing claimed by two intents', () => {
    const source = `
intents:
  - name: a
    description: A.
    examples: [Where is my order]
  - name: a
    description: A again.
    examples: [something]
out_of_scope: [where is my  order]
`;
    expect(() => parseIntentsFile(source, 'dup.yml')).toThrow(/duplicate intent name/);
    expect(() => parseIntentsFile(source, 'dup.yml')).toThrow(/appears under both a and out_of_scope/);
  });

  it('reports YAML syntax errors and missing files with the path', () => {
    expect(() => parseIntentsFile('intents: [unclosed', 'syntax.yml')).toThrow(/^syntax\.yml: invalid YAML/);
    const missing = join(dir, 'nope.yml');
    expect(() => loadIntentsFile(missing)).toThrow(missing);
  });
});
