import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ConversationCase,
  type TurnOutcome,
  scoreConversations,
} from '../../scripts/eval-conversations-score.ts';
import { REPO_ROOT } from '../helpers/process.ts';

const answer = (id: string, accept: string[]): ConversationCase => ({
  id,
  text: id,
  lang: 'en',
  expect: 'answer',
  accept,
});
const other = (id: string, expect: ConversationCase['expect']): ConversationCase => ({
  id,
  text: id,
  lang: 'en',
  expect,
  accept: [],
});
const out = (o: Partial<TurnOutcome> & Pick<TurnOutcome, 'kind'>): TurnOutcome =>
  ({ offeredPerson: false, text: '', ...o }) as TurnOutcome;

describe('conversation eval scoring', () => {
  it('counts right, wrong and clarified answers, off-topic answers and handoff recall', () => {
    const { figures, report } = scoreConversations(
      [
        answer('a1', ['article:x']),
        answer('a2', ['article:x', 'flow:order-status']),
        answer('a3', ['article:x']),
        answer('a4', ['article:y']),
        other('o1', 'off_topic'),
        other('o2', 'off_topic'),
        other('h1', 'handoff'),
        other('h2', 'handoff'),
        other('c1', 'complaint'),
      ],
      [
        out({ kind: 'article', id: 'x' }),
        out({ kind: 'flow', id: 'order-status' }),
        out({ kind: 'article', id: 'z' }),
        out({ kind: 'clarify', ids: ['y', 'z'] }),
        out({ kind: 'article', id: 'x' }),
        out({ kind: 'none', route: 'off_topic' }),
        out({ kind: 'handoff' }),
        out({ kind: 'none', route: 'unknown' }),
        out({ kind: 'none', route: 'complaint', offeredPerson: true }),
      ],
    );
    expect(figures).toMatchObject({
      n: 9,
      answerable: 4,
      answer_rate: 0.5,
      wrong_answers: 1,
      wrong_answer_rate: 0.3333,
      clarify_rate: 0.25,
      clarify_hit_rate: 1,
      off_topic_answered: 0.5,
      handoff_recall: 0.5,
      complaint_offer_rate: 1,
    });
    expect(report.join('\n')).toMatch(/article:x \(1\)\n {4}WRONG "a3" → article:z/);
  });
});

describe('npm run eval -- conversations', () => {
  it('runs a set through the real runtime and prints the figures as JSON on the last line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-eval-'));
    const set = join(dir, 'set.jsonl');
    const dev = readFileSync(join(REPO_ROOT, 'eval/conversations/dev.jsonl'), 'utf8').split('\n');
    const pick = (expect: string) => dev.filter((l) => l.includes(`"expect": "${expect}"`)).slice(0, 2);
    writeFileSync(set, [...pick('answer'), ...pick('off_topic'), ...pick('handoff')].join('\n'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/eval.ts', 'conversations', '--set', set],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(0);
    const figures = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(figures).toMatchObject({ n: 6, answerable: 2, handoff_recall: 1, off_topic_answered: 0 });
    expect(figures.p95_ms).toEqual(expect.any(Number));
  }, 120_000);
});
