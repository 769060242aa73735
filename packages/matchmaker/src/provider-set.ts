/**
 * A set of providers by index, as a bit set: the matchmaker's indexes map each region, tier, token,
 * attribute and GPU kind to the providers that have it, and an order's candidates are the
 * intersection, computed 32 providers at a time.
 */
export class ProviderSet {
  readonly words: Uint32Array;

  constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  /** A set of every provider. */
  static full(size: number): ProviderSet {
    const set = new ProviderSet(size);
    set.words.fill(0xffffffff);
    const extra = set.words.length * 32 - size;
    if (extra > 0) set.words[set.words.length - 1] = 0xffffffff >>> extra;
    return set;
  }

  add(index: number): void {
    this.words[index >>> 5]! |= 1 << (index & 31);
  }

  has(index: number): boolean {
    return (this.words[index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  /** Keeps only the providers also in `other`. */
  intersect(other: ProviderSet): this {
    const words = this.words;
    const others = other.words;
    for (let word = 0; word < words.length; word++) words[word]! &= others[word] as number;
    return this;
  }

  /** Removes the providers in `other`. */
  subtract(other: ProviderSet): this {
    const words = this.words;
    const others = other.words;
    for (let word = 0; word < words.length; word++) words[word]! &= ~others[word]!;
    return this;
  }

  /** Adds the providers in `other`. */
  unite(other: ProviderSet): this {
    const words = this.words;
    const others = other.words;
    for (let word = 0; word < words.length; word++) words[word]! |= others[word] as number;
    return this;
  }

  copy(): ProviderSet {
    const copy = new ProviderSet(this.size);
    copy.words.set(this.words);
    return copy;
  }

  /** Calls `visit` with each provider index in the set, in increasing order. */
  forEach(visit: (index: number) => void): void {
    const words = this.words;
    for (let word = 0; word < words.length; word++) {
      let bits = words[word]!;
      while (bits !== 0) {
        const lowest = bits & -bits;
        visit((word << 5) + 31 - Math.clz32(lowest));
        bits ^= lowest;
      }
    }
  }
}
