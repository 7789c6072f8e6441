/**
 * Reads a fast-check step's random picks in order, for property tests that script lifecycles:
 * shrinking a pick to 0 gives the smallest choice.
 */
export class Picks {
  private next = 0;
  constructor(private readonly picks: readonly number[]) {}
  private raw(): number {
    const value = this.picks[this.next % this.picks.length] ?? 0;
    this.next += 1;
    return value;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.raw() % (max - min + 1));
  }
  /** An amount in [min, max], the whole of it a third of the time: settling a balance exactly is what closes claims. */
  upTo(min: number, max: number): number {
    return this.raw() % 3 === 0 ? max : this.int(min, max);
  }
  bool(): boolean {
    return this.raw() % 2 === 1;
  }
  one<T>(items: readonly T[]): T {
    const item = items[this.raw() % items.length];
    if (item === undefined) throw new Error('Picks.one needs at least one item');
    return item;
  }
  /** A non-empty subset of `items`, in their order. */
  some<T>(items: readonly T[]): T[] {
    const mask = this.raw();
    const chosen = items.filter((_, i) => (mask >> i) % 2 === 1);
    return chosen.length > 0 ? chosen : [this.one(items)];
  }
}
