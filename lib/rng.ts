/**
 * The seeded PRNG of the collections: the same seed gives the same rows on every platform
 * (Math.random cannot be seeded). sfc32, seeded through splitmix32.
 */

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seed as 32 bits; one beyond 2^32 folds its high half in rather than losing it. */
function foldSeed(seed: number): number {
  return (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) | 0;
}

/** Mixes a seed with further integers (a row index, a salt) into one 32-bit seed. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = splitmix32(foldSeed(seed));
  for (const part of parts) {
    h = splitmix32((h ^ Math.trunc(part)) + Math.imul(Math.trunc(part / 2 ** 32) | 0, 0x27d4eb2f));
  }
  return h;
}

/** FNV-1a of a string (a task name), to derive per-task seeds. */
export function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    this.a = splitmix32(foldSeed(seed));
    this.b = splitmix32(this.a);
    this.c = splitmix32(this.b + 0x6a09e667);
    this.d = splitmix32(this.c ^ 0xbb67ae85);
    for (let i = 0; i < 12; i++) this.nextUint32(); // sfc32's recommended warm-up
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform index in [0, n). */
  index(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("cannot pick from an empty list");
    return items[this.index(items.length)]!;
  }

  /** Fisher–Yates in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.index(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** k distinct items in random order (all of them when k ≥ length). */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items.slice()).slice(0, k);
  }

  /** A generator whose stream is independent of this one's later draws. */
  fork(): Rng {
    return new Rng(this.nextUint32() ^ Math.imul(this.nextUint32(), 0x9e3779b1));
  }
}
