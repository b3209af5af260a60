import type { Document, DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import { RetrievalError } from '../errors.ts';

/** Keeps documents for which the predicate returns true. */
export type FlatVectorStoreFilter = (doc: DocumentInterface) => boolean;

/**
 * Exact cosine search over vectors packed in one growable `Float32Array`.
 *
 * Why flat rather than `MemoryVectorStore`: that one keeps a `number[]` per document and
 * allocates per comparison. Why column-major (one contiguous run per dimension): scoring then
 * skips every dimension where the query is zero, and hashed-feature queries touch only a few
 * hundred of 1,024 dimensions, so 10,000 chunks score in about a millisecond with no ANN index.
 * Dense embeddings (OpenAI) cost the same as a row-major scan. Vectors are expected
 * L2-normalised (true for the local and OpenAI embeddings), so the dot product is the cosine.
 */
export class FlatVectorStore extends VectorStore {
  declare FilterType: FlatVectorStoreFilter;
  /** Column-major: value `j` of row `i` lives at `j * capacity + i`. */
  private data: Float32Array = new Float32Array(0);
  private capacity = 0;
  private dim = 0;
  private count = 0;
  private readonly documents: DocumentInterface[] = [];

  constructor(embeddings: EmbeddingsInterface) {
    super(embeddings, {});
  }

  override _vectorstoreType(): string {
    return 'switchboard-flat';
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.count;
  }

  /** Vector length, fixed by the first vector added (0 while empty). */
  get dimension(): number {
    return this.dim;
  }

  /** The stored document at `index` (insertion order). */
  documentAt(index: number): DocumentInterface | undefined {
    return this.documents[index];
  }

  override async addVectors(vectors: number[][], documents: DocumentInterface[]): Promise<string[]> {
    return this.addTypedVectors(
      vectors.map((v) => Float32Array.from(v)),
      documents,
    );
  }

  /** Same as `addVectors` without the `number[]` round trip. */
  addTypedVectors(vectors: readonly Float32Array[], documents: readonly DocumentInterface[]): string[] {
    if (vectors.length !== documents.length) {
      throw new RetrievalError(`addVectors got ${vectors.length} vectors for ${documents.length} documents`);
    }
    if (vectors.length === 0) return [];
    const first = vectors[0] as Float32Array;
    if (this.dim === 0) this.dim = first.length;
    this.reserve(this.count + vectors.length);
    const ids: string[] = [];
    vectors.forEach((vector, i) => {
      if (vector.length !== this.dim) {
        throw new RetrievalError(
          `vector of length ${vector.length} does not match store dimension ${this.dim}`,
        );
      }
      for (let j = 0; j < this.dim; j++) this.data[j * this.capacity + this.count] = vector[j] as number;
      const doc = documents[i] as DocumentInterface;
      this.documents.push(doc);
      ids.push(doc.id ?? String(this.count));
      this.count++;
    });
    return ids;
  }

  override async addDocuments(documents: DocumentInterface[]): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents);
  }

  override async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: FlatVectorStoreFilter,
  ): Promise<[Document, number][]> {
    const scores = this.scoreAll(Float32Array.from(query));
    const candidates: number[] = [];
    for (let i = 0; i < this.count; i++) {
      if (!filter || filter(this.documents[i] as DocumentInterface)) candidates.push(i);
    }
    candidates.sort((a, b) => (scores[b] as number) - (scores[a] as number));
    return candidates
      .slice(0, k)
      .map((i) => [this.documents[i] as Document, scores[i] as number] satisfies [Document, number]);
  }

  /** Cosine of `query` with every stored vector, by insertion index; the hybrid index fuses from this. */
  scoreAll(query: Float32Array, out?: Float32Array): Float32Array {
    const scores = out ?? new Float32Array(this.count);
    scores.fill(0, 0, this.count);
    if (this.count === 0) return scores;
    if (query.length !== this.dim) {
      throw new RetrievalError(
        `query vector of length ${query.length} does not match store dimension ${this.dim}`,
      );
    }
    const count = this.count;
    const data = this.data;
    for (let j = 0; j < this.dim; j++) {
      const weight = query[j] as number;
      if (weight === 0) continue;
      const base = j * this.capacity;
      for (let i = 0; i < count; i++) scores[i] = (scores[i] as number) + weight * (data[base + i] as number);
    }
    return scores;
  }

  /** A copy of the vector stored at `index`. */
  vectorAt(index: number): Float32Array {
    const vector = new Float32Array(this.dim);
    for (let j = 0; j < this.dim; j++) vector[j] = this.data[j * this.capacity + index] as number;
    return vector;
  }

  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2, 64);
    const grown = new Float32Array(capacity * this.dim);
    for (let j = 0; j < this.dim; j++) {
      grown.set(this.data.subarray(j * this.capacity, j * this.capacity + this.count), j * capacity);
    }
    this.data = grown;
    this.capacity = capacity;
  }
}
