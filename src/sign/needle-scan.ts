/**
 * Looking for many needles (the secret chunks of every key, src/sign/key-leak.ts) in one pass.
 * One Buffer.includes per needle costs a pass over the artifact each: 37 needles of a 2048-bit
 * RSA key scan at about 50 MiB/s, below the RPM writer's 100 MiB/s. Here, every needle is at
 * least MIN bytes long, so any occurrence covers an 8-byte block starting at a multiple of
 * STRIDE = MIN - 8 + 1; the scan hashes only those blocks, looks each up in a bitmap of the
 * needles' 8-byte blocks (every offset), and checks the needles in full only around a hit.
 * Below `directBelow` bytes one native Buffer.includes per needle is cheaper than warming up
 * this loop (a JIT-cold scan of a 0.5 MB module took tens of ms on a loaded machine).
 */
const Q = 8;
const BITS = 22;
const MASK = (1 << BITS) - 1;

function blockHash(b: Uint8Array, i: number): number {
  const lo = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
  const hi = b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24);
  return (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi ^ (lo >>> 15), 0x85ebca6b)) >>> (32 - BITS);
}

export class NeedleIndex<T> {
  private readonly bitmap = new Uint32Array((MASK + 1) / 32);
  private readonly stride: number;
  /** Needles shorter than the block are looked for the slow way (none from keyNeedles). */
  private readonly short: { needle: Buffer; owner: T }[] = [];
  private readonly long: { needle: Buffer; owner: T }[] = [];

  private readonly directBelow: number;

  constructor(needles: { needle: Buffer; owner: T }[], opts: { directBelow?: number } = {}) {
    this.directBelow = opts.directBelow ?? 1 << 20;
    for (const n of needles) (n.needle.length < Q * 2 ? this.short : this.long).push(n);
    const min = Math.min(...this.long.map((n) => n.needle.length));
    this.stride = Number.isFinite(min) ? min - Q + 1 : 1;
    for (const { needle } of this.long) {
      for (let off = 0; off + Q <= needle.length; off++) {
        const h = blockHash(needle, off);
        this.bitmap[h >>> 5] |= 1 << (h & 31);
      }
    }
  }

  /** The owner of the first needle found in bytes, or undefined. */
  find(bytes: Buffer): T | undefined {
    for (const n of this.short) if (bytes.includes(n.needle)) return n.owner;
    if (!this.long.length) return undefined;
    if (bytes.length < this.directBelow) return this.long.find((n) => bytes.includes(n.needle))?.owner;
    const { bitmap, stride } = this;
    for (let pos = 0; pos + Q <= bytes.length; pos += stride) {
      const h = blockHash(bytes, pos);
      if ((bitmap[h >>> 5] & (1 << (h & 31))) === 0) continue;
      for (const n of this.long) {
        const from = Math.max(0, pos - n.needle.length + Q);
        if (bytes.subarray(from, pos + n.needle.length).includes(n.needle)) return n.owner;
      }
    }
    return undefined;
  }
}
