import { readFile } from 'node:fs/promises';

/** Reads a JSONL file into parsed values; a bad line fails with its file and line number. */
export async function readJsonl(path: string): Promise<unknown[]> {
  const body = await readFile(path, 'utf8');
  const rows: unknown[] = [];
  for (const [index, line] of body.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as unknown);
    } catch (error) {
      throw new Error(`${path}:${index + 1}: not JSON (${(error as Error).message})`);
    }
  }
  return rows;
}
