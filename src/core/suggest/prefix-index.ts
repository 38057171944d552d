/**
 * A sorted prefix array: every distinct key (a normalised name word, or a Han character) once, in code-unit
 * order, with the ids of the entries that carry it. The keys starting with a prefix are one contiguous range,
 * found by two binary searches; a running total of posting lengths says how many entries that range holds
 * without reading them, so a caller can pick the narrowest of several ranges before touching any posting.
 *
 * Cost: building sorts the V distinct keys once (V log V); a look-up is O(log V); reading a range costs what
 * it holds. Entry ids in a posting are ascending, and callers number entries in their order of preference.
 */
export class PrefixIndex {
  private readonly keys: string[];
  private readonly postings: Int32Array[];
  /** cumulative[i] = total posting length of keys[0..i-1]. */
  private readonly cumulative: Float64Array;

  /** `byKey`: each key's entry ids, ascending and without repeats. */
  constructor(byKey: Map<string, number[]>) {
    // The default sort compares UTF-16 code units, the order `<` and the range look-ups use.
    this.keys = [...byKey.keys()].sort();
    this.postings = this.keys.map((k) => Int32Array.from(byKey.get(k)!));
    this.cumulative = new Float64Array(this.keys.length + 1);
    for (let i = 0; i < this.keys.length; i++) this.cumulative[i + 1] = this.cumulative[i]! + this.postings[i]!.length;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The first key index at or after `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The key indexes [from, to) of every key starting with `prefix`. */
  range(prefix: string): { from: number; to: number } {
    const from = this.lowerBound(prefix);
    const to = this.lowerBound(`${prefix}\uffff`);
    return { from, to };
  }

  /** The key index of exactly `key`, or -1. */
  indexOf(key: string): number {
    const i = this.lowerBound(key);
    return this.keys[i] === key ? i : -1;
  }

  /** How many entry ids the keys [from, to) hold together (an entry under two keys counts twice). */
  count(from: number, to: number): number {
    return this.cumulative[to]! - this.cumulative[from]!;
  }

  postingsOf(keyIndex: number): Int32Array {
    return this.postings[keyIndex]!;
  }

  /**
   * The entry ids under the keys [from, to), ascending and each once, merged lazily (a heap over the keys'
   * postings): taking the first m costs O((k + m) log k) for k keys, however long their postings are.
   */
  *merged(from: number, to: number): Generator<number> {
    // heap of [next id, key index, position], ordered by next id
    const heap: Array<[number, number, number]> = [];
    for (let k = from; k < to; k++) if (this.postings[k]!.length) heap.push([this.postings[k]![0]!, k, 0]);
    const less = (a: number, b: number) => heap[a]![0] < heap[b]![0];
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    let last = -1;
    while (heap.length) {
      const top = heap[0]!;
      const id = top[0];
      const postings = this.postings[top[1]]!;
      if (++top[2] < postings.length) top[0] = postings[top[2]]!;
      else {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
      }
      if (heap.length) down(0);
      if (id !== last) yield id;
      last = id;
    }
  }
}
