/**
 * Okapi BM25 over an inverted index.
 *
 * Written here rather than using `@langchain/community`'s `BM25Retriever` because that one
 * re-tokenises and rescans every document on every query (O(corpus) per search); with an
 * inverted index a query only touches the postings of its own terms, which keeps 10,000
 * chunks well under a millisecond per query and avoids pulling in the community package.
 */

/** BM25 saturation (`k1`) and length normalisation (`b`). */
export interface Bm25Params {
  readonly k1: number;
  readonly b: number;
}

/** Classic defaults; long FAQ answers prefer a softer length penalty, see the hybrid index. */
export const DEFAULT_BM25_PARAMS: Bm25Params = { k1: 1.2, b: 0.75 };

/** Scores written into a caller-owned dense buffer plus the list of documents that were touched. */
export interface Bm25Scores {
  /** One slot per document; only `touched` slots are meaningful. */
  readonly scores: Float32Array;
  readonly touched: readonly number[];
  /** Sum of IDF over the query terms (unknown terms count at maximal IDF); normalises scores into about [0,1]. */
  readonly queryWeight: number;
}

/** An immutable BM25 index over pre-analysed documents (arrays of terms). */
export class Bm25Index {
  readonly size: number;
  private readonly params: Bm25Params;
  private readonly termIds = new Map<string, number>();
  private readonly postingsDocs: Int32Array[] = [];
  private readonly postingsTf: Float32Array[] = [];
  private readonly idf: number[] = [];
  private readonly lengthNorm: Float32Array;
  /** IDF of a term no document contains: the most a single query term can weigh. */
  readonly maxIdf: number;

  /**
   * @param documents one term array per document, already analysed (see `analyze`).
   */
  constructor(documents: readonly (readonly string[])[], params: Bm25Params = DEFAULT_BM25_PARAMS) {
    this.params = params;
    this.size = documents.length;
    const docs: number[][] = [];
    const tfs: number[][] = [];
    let totalLength = 0;
    const lengths = new Float32Array(documents.length);
    documents.forEach((terms, docIndex) => {
      lengths[docIndex] = terms.length;
      totalLength += terms.length;
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let id = this.termIds.get(term);
        if (id === undefined) {
          id = docs.length;
          this.termIds.set(term, id);
          docs.push([]);
          tfs.push([]);
        }
        docs[id]?.push(docIndex);
        tfs[id]?.push(tf);
      }
    });
    const n = documents.length;
    for (let id = 0; id < docs.length; id++) {
      const list = docs[id] ?? [];
      this.postingsDocs.push(Int32Array.from(list));
      this.postingsTf.push(Float32Array.from(tfs[id] ?? []));
      this.idf.push(bm25Idf(n, list.length));
    }
    this.maxIdf = bm25Idf(n, 0);
    const avg = n > 0 ? totalLength / n : 1;
    this.lengthNorm = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.lengthNorm[i] = params.k1 * (1 - params.b + (params.b * (lengths[i] ?? 0)) / (avg || 1));
    }
  }

  /** Number of documents containing `term` (0 when unknown). */
  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.postingsDocs[id]?.length ?? 0);
  }

  /** Whether document `doc` contains `term`: binary search in its postings, which are in document order. */
  contains(term: string, doc: number): boolean {
    const id = this.termIds.get(term);
    if (id === undefined) return false;
    const docs = this.postingsDocs[id];
    if (!docs) return false;
    let lo = 0;
    let hi = docs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const value = docs[mid] as number;
      if (value === doc) return true;
      if (value < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** IDF of a term; unknown terms get the maximal IDF because they are maximally informative. */
  termIdf(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? this.maxIdf : (this.idf[id] ?? this.maxIdf);
  }

  /**
   * Scores all documents sharing a term with the query.
   * @param queryTerms analysed query terms; duplicates add weight (used for query expansion).
   * @param termWeights optional multiplier per query term, same order as `queryTerms`.
   */
  score(queryTerms: readonly string[], out?: Float32Array, termWeights?: readonly number[]): Bm25Scores {
    const scores = out ?? new Float32Array(this.size);
    scores.fill(0);
    const touchedFlags = new Uint8Array(this.size);
    const touched: number[] = [];
    const k1p1 = this.params.k1 + 1;
    let queryWeight = 0;
    const seen = new Map<string, number>();
    queryTerms.forEach((term, i) => {
      seen.set(term, (seen.get(term) ?? 0) + (termWeights?.[i] ?? 1));
    });
    for (const [term, qw] of seen) {
      const id = this.termIds.get(term);
      const idf = id === undefined ? this.maxIdf : (this.idf[id] ?? 0);
      queryWeight += idf * qw;
      if (id === undefined) continue;
      const docs = this.postingsDocs[id];
      const tfs = this.postingsTf[id];
      if (!docs || !tfs) continue;
      const w = idf * qw * k1p1;
      for (let p = 0; p < docs.length; p++) {
        const d = docs[p] as number;
        const tf = tfs[p] as number;
        scores[d] = (scores[d] as number) + (w * tf) / (tf + (this.lengthNorm[d] as number));
        if (touchedFlags[d] === 0) {
          touchedFlags[d] = 1;
          touched.push(d);
        }
      }
    }
    return { scores, touched, queryWeight };
  }
}

/** Robertson–Spärck Jones IDF with the +1 that keeps it positive for very common terms. */
export function bm25Idf(totalDocs: number, docFreq: number): number {
  return Math.log(1 + (totalDocs - docFreq + 0.5) / (docFreq + 0.5));
}
