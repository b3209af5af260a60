import path from 'node:path';
import type { CopyFor } from '../ports/copy.ts';
import { createCopy } from './copy-loader.ts';

/** The copy files shipped with the repository (`kb/copy`), independent of `KB_DIR`. */
const SHIPPED_COPY_DIR = path.resolve(import.meta.dirname, '../../kb/copy');

let shipped: CopyFor | undefined;

/**
 * What the bot says when nothing else was loaded: for tests, benchmarks and tools that build an
 * engine without startup wiring. Production passes the copy read from `<KB_DIR>/copy` instead.
 * Read once and kept: the result is frozen data, so sharing it changes no behaviour.
 */
export function shippedCopy(): CopyFor {
  shipped ??= createCopy(SHIPPED_COPY_DIR);
  return shipped;
}
