// A tiny seeded PRNG (mulberry32) so that a fuzz run is reproducible from its printed seed.

export class Prng {
  private state: number

  constructor (seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next (): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max]. */
  int (min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance (probability: number): boolean {
    return this.next() < probability
  }

  pick<T> (items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T> (choices: ReadonlyArray<readonly [number, T]>): T {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0)
    let roll = this.next() * total
    for (const [weight, value] of choices) {
      roll -= weight
      if (roll < 0) return value
    }
    return (choices[choices.length - 1] as readonly [number, T])[1]
  }

  bytes (length: number): Buffer {
    const out = Buffer.allocUnsafe(length)
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256)
    return out
  }

  /** A length skewed towards small values but reaching `max` now and then. */
  size (max: number): number {
    return Math.min(max, Math.floor(Math.pow(this.next(), 3) * (max + 1)))
  }

  /** A new generator derived from this one (for independent streams, e.g. one per connection). */
  fork (): Prng {
    return new Prng(Math.floor(this.next() * 4294967296))
  }
}
