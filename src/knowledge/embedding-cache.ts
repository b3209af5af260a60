import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { embedDocumentsAsFloat32 } from './local-hash-embeddings.ts';

/** Where `switchboard kb index` keeps vectors unless told otherwise (relative to the working directory). */
export const DEFAULT_KB_CACHE_DIR = '.cache/kb-index';

const FORMAT_VERSION = 1;

interface Manifest {
  readonly version: number;
  readonly modelId: string;
  readonly dimension: number;
  /** Content keys, in the order their vectors appear in the binary file. */
  readonly keys: readonly string[];
}

/** Cache key of one text under one embedding model: a change to either re-embeds. */
export function embeddingKey(modelId: string, text: string): string {
  return createHash('sha256').update(modelId).update('\u0000').update(text).digest('base64url');
}

/**
 * Best-effort id of an embedding model, for cache keys: the local embeddings expose `modelId`,
 * LangChain's OpenAI embeddings expose `model`; anything else falls back to its class name.
 */
export function embeddingModelId(embeddings: EmbeddingsInterface): string {
  const candidate = embeddings as EmbeddingsInterface & {
    readonly modelId?: unknown;
    readonly model?: unknown;
    readonly modelName?: unknown;
    readonly dimensions?: unknown;
  };
  const name = [candidate.modelId, candidate.model, candidate.modelName].find(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  const dims = typeof candidate.dimensions === 'number' ? `:d${candidate.dimensions}` : '';
  return `${name ?? embeddings.constructor.name}${dims}`;
}

/**
 * Per-text vectors stored on disk, keyed by a hash of the text and the model id, so restarts
 * and re-indexing only embed new or changed chunks. Layout: one JSON manifest plus one flat
 * little-endian float32 file per model, written to a temporary name and renamed so a crash
 * mid-write never leaves a torn cache.
 */
export class EmbeddingCache {
  readonly modelId: string;
  private readonly dir: string;
  private readonly entries = new Map<string, Float32Array>();
  private dirty = false;

  private constructor(dir: string, modelId: string) {
    this.dir = dir;
    this.modelId = modelId;
  }

  /**
   * Opens (or starts) the cache for `modelId` in `dir`. A missing, unreadable or mismatched
   * cache just starts empty: it is an optimisation, never a source of truth.
   * @returns the cache and, when an existing cache could not be read, why.
   */
  static async open(dir: string, modelId: string): Promise<{ cache: EmbeddingCache; problem?: string }> {
    const cache = new EmbeddingCache(dir, modelId);
    let manifestText: string;
    try {
      manifestText = await readFile(cache.manifestPath(), 'utf8');
    } catch {
      return { cache };
    }
    try {
      const manifest = JSON.parse(manifestText) as Manifest;
      if (manifest.version !== FORMAT_VERSION || manifest.modelId !== modelId) return { cache };
      const bytes = await readFile(cache.dataPath());
      const floats = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
      if (floats.length !== manifest.keys.length * manifest.dimension) {
        return { cache, problem: 'vector file size does not match its manifest' };
      }
      manifest.keys.forEach((key, i) => {
        // Copy out of the file buffer so entries do not pin the whole file in memory when pruned.
        cache.entries.set(key, floats.slice(i * manifest.dimension, (i + 1) * manifest.dimension));
      });
      return { cache };
    } catch (error) {
      return { cache, problem: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Number of cached vectors. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): Float32Array | undefined {
    return this.entries.get(key);
  }

  set(key: string, vector: Float32Array): void {
    this.entries.set(key, vector);
    this.dirty = true;
  }

  /** Drops every entry not in `keep`, so deleted or edited articles do not grow the cache forever. */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) {
      if (!keep.has(key)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
  }

  /** Writes the cache if anything changed. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    await mkdir(this.dir, { recursive: true });
    const keys = [...this.entries.keys()];
    const dimension = keys.length > 0 ? (this.entries.get(keys[0] as string)?.length ?? 0) : 0;
    const data = new Float32Array(keys.length * dimension);
    keys.forEach((key, i) => {
      const vector = this.entries.get(key);
      if (vector && vector.length === dimension) data.set(vector, i * dimension);
    });
    const manifest: Manifest = { version: FORMAT_VERSION, modelId: this.modelId, dimension, keys };
    const suffix = `.tmp-${process.pid}-${Date.now()}`;
    await writeFile(this.dataPath() + suffix, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    await writeFile(this.manifestPath() + suffix, JSON.stringify(manifest));
    // Data first, manifest last: a reader never sees a manifest pointing at a shorter data file.
    await rename(this.dataPath() + suffix, this.dataPath());
    await rename(this.manifestPath() + suffix, this.manifestPath());
    this.dirty = false;
  }

  private baseName(): string {
    return `vectors-${createHash('sha256').update(this.modelId).digest('hex').slice(0, 16)}`;
  }

  private manifestPath(): string {
    return path.join(this.dir, `${this.baseName()}.json`);
  }

  private dataPath(): string {
    return path.join(this.dir, `${this.baseName()}.f32`);
  }
}

/** Running counts for {@link embedThroughCache}: texts sent to the model and texts served from cache (or duplicates). */
export interface CachedEmbeddingStats {
  embedded: number;
  reused: number;
  /** Cache keys of every text seen, so the caller can prune entries nothing uses any more. */
  readonly keys: Set<string>;
}

/**
 * Embeds `texts`, taking vectors from `cache` when present and embedding the rest in batches.
 * `onProgress` counts reused vectors as done immediately, so a warm start jumps to 100%.
 */
export async function embedThroughCache(
  texts: readonly string[],
  embeddings: EmbeddingsInterface,
  cache: EmbeddingCache | undefined,
  stats: CachedEmbeddingStats,
  onProgress?: (done: number, total: number) => void,
  progressBase: { done: number; total: number } = { done: 0, total: texts.length },
  batchSize = 64,
): Promise<Float32Array[]> {
  const out: (Float32Array | undefined)[] = new Array(texts.length);
  const missing: number[] = [];
  const keys = texts.map((text) => (cache ? embeddingKey(cache.modelId, text) : ''));
  if (cache) for (const key of keys) stats.keys.add(key);
  texts.forEach((_, i) => {
    const hit = cache?.get(keys[i] as string);
    if (hit) out[i] = hit;
    else missing.push(i);
  });
  stats.reused += texts.length - missing.length;
  progressBase.done += texts.length - missing.length;
  onProgress?.(progressBase.done, progressBase.total);
  // Identical texts (repeated boilerplate sections) are embedded once.
  const firstOf = new Map<string, number>();
  const unique = missing.filter((i) => {
    const text = texts[i] as string;
    if (firstOf.has(text)) return false;
    firstOf.set(text, i);
    return true;
  });
  for (let start = 0; start < unique.length; start += batchSize) {
    const batch = unique.slice(start, start + batchSize);
    const vectors = await embedDocumentsAsFloat32(
      embeddings,
      batch.map((i) => texts[i] as string),
    );
    batch.forEach((index, j) => {
      const vector = vectors[j] ?? new Float32Array(0);
      out[index] = vector;
      if (cache) cache.set(keys[index] as string, vector);
    });
    stats.embedded += batch.length;
    progressBase.done += batch.length;
    onProgress?.(progressBase.done, progressBase.total);
  }
  const duplicates = missing.length - unique.length;
  if (duplicates > 0) {
    for (const i of missing) out[i] ??= out[firstOf.get(texts[i] as string) as number];
    stats.reused += duplicates;
    progressBase.done += duplicates;
    onProgress?.(progressBase.done, progressBase.total);
  }
  return out.map((v) => v ?? new Float32Array(0));
}
