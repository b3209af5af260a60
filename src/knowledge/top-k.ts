/**
 * Indices of the `k` largest `scores` among `candidates`, best first.
 * A bounded min-heap keeps this O(n log k) so ranking 10,000 chunks does not sort them all.
 */
export function topK(scores: ArrayLike<number>, candidates: Iterable<number>, k: number): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => (scores[a] as number) < (scores[b] as number);
  for (const index of candidates) {
    if (heap.length < k) {
      heap.push(index);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(heap[i] as number, heap[parent] as number)) break;
        [heap[i], heap[parent]] = [heap[parent] as number, heap[i] as number];
        i = parent;
      }
    } else if (less(heap[0] as number, index)) {
      heap[0] = index;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && less(heap[left] as number, heap[smallest] as number)) smallest = left;
        if (right < heap.length && less(heap[right] as number, heap[smallest] as number)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest] as number, heap[i] as number];
        i = smallest;
      }
    }
  }
  return heap.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}
