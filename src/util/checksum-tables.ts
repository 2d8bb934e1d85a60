/**
 * Slice-by-8 lookup tables for the reflected CRCs that node:zlib does not provide (CRC32C and
 * CRC64NVME). Built once at module load: 8 KiB for CRC32C, 16 KiB for CRC64NVME.
 */

/** Table k maps a byte to its CRC contribution k bytes further along; eight tables let the inner loop take 8 bytes per step. */
export function buildCrc32Tables(reflectedPoly: number): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
    tables[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n]!;
    for (let t = 1; t < 8; t++) {
      c = (c >>> 8) ^ tables[c & 0xff]!;
      tables[t * 256 + n] = c >>> 0;
    }
  }
  return tables;
}

/**
 * 64-bit tables split into low and high 32-bit halves: BigInt is far too slow for the per-byte
 * loop, so it is used only here, once, and the hasher works on two uint32 lanes.
 */
export function buildCrc64Tables(reflectedPoly: bigint): { lo: Uint32Array; hi: Uint32Array } {
  const mask = (1n << 64n) - 1n;
  const table: bigint[] = new Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = BigInt(n);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ reflectedPoly : c >> 1n;
    table[n] = c & mask;
  }
  for (let n = 0; n < 256; n++) {
    let c = table[n]!;
    for (let t = 1; t < 8; t++) {
      c = (c >> 8n) ^ table[Number(c & 0xffn)]!;
      table[t * 256 + n] = c;
    }
  }
  const lo = new Uint32Array(8 * 256);
  const hi = new Uint32Array(8 * 256);
  for (let i = 0; i < table.length; i++) {
    const v = table[i]!;
    lo[i] = Number(v & 0xffffffffn);
    hi[i] = Number(v >> 32n);
  }
  return { lo, hi };
}
