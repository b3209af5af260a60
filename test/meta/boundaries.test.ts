import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern =
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s*['"]([^'"]+)['"]/g;
  for (const match of source.matchAll(pattern)) specifiers.push(match[1] ?? match[2] ?? match[3] ?? '');
  return specifiers;
}

/** Top-level folder a relative import lands in, seen from `file`. */
function target(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return relative(root, resolve(file, '..', specifier));
}

/** Violations of the dependency rules, as `file → import` strings. */
function boundaryViolations(fileList: readonly { path: string; source: string }[]): string[] {
  const violations: string[] = [];
  for (const { path, source } of fileList) {
    const rel = relative(root, path);
    for (const spec of importsOf(source)) {
      const to = target(path, spec);
      if (rel.startsWith('src/')) {
        if (rel !== 'src/main.ts' && to && /^(adapters|flows)\//.test(to))
          violations.push(`${rel} → ${spec}`);
        if (
          !rel.startsWith('src/knowledge/') &&
          !rel.startsWith('src/intents/llm/') &&
          /^(langchain|@langchain\/)/.test(spec)
        ) {
          violations.push(`${rel} → ${spec} (LangChain only in src/knowledge and src/intents/llm)`);
        }
      }
      if (rel.startsWith('adapters/') || rel.startsWith('flows/')) {
        if (to?.startsWith('src/') && !/^src\/(model|ports)\//.test(to) && to !== 'src/errors.ts')
          violations.push(`${rel} → ${spec}`);
        if (rel.startsWith('flows/') && !spec.startsWith('.'))
          violations.push(`${rel} → ${spec} (flows import no packages)`);
      }
    }
  }
  return violations;
}

describe('dependency boundaries', () => {
  it('src/ imports adapters/ and flows/ only from main.ts; adapters and flows import only model, ports and errors', () => {
    const list = ['src', 'adapters', 'flows']
      .flatMap((d) => files(join(root, d)))
      .map((path) => ({ path, source: readFileSync(path, 'utf8') }));
    expect(boundaryViolations(list)).toEqual([]);
  });

  it('catches an engine file importing an adapter (the rule itself works)', () => {
    const bad = [
      {
        path: join(root, 'src/engine/engine.ts'),
        source: "import { x } from '../../adapters/sandbox/index.ts';",
      },
      { path: join(root, 'src/context/x.ts'), source: "const m = await import('../../flows/index.ts');" },
      {
        path: join(root, 'adapters/sandbox/x.ts'),
        source: "import { y } from '../../src/engine/engine.ts';",
      },
      { path: join(root, 'src/engine/y.ts'), source: "import { ChatOpenAI } from '@langchain/openai';" },
      { path: join(root, 'src/main.ts'), source: "import { ok } from '../adapters/sandbox/index.ts';" },
    ];
    expect(boundaryViolations(bad)).toEqual([
      'src/engine/engine.ts → ../../adapters/sandbox/index.ts',
      'src/context/x.ts → ../../flows/index.ts',
      'adapters/sandbox/x.ts → ../../src/engine/engine.ts',
      'src/engine/y.ts → @langchain/openai (LangChain only in src/knowledge and src/intents/llm)',
    ]);
  });
});
