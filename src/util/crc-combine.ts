/**
 * Combining CRCs of adjacent byte runs without the bytes (zlib's crc32_combine, generalised to the
 * three CRCs S3 offers as full-object checksums). A FULL_OBJECT multipart checksum is the CRC of the
 * whole object, folded from the stored part CRCs and part lengths at CompleteMultipartUpload.
 *
 * For a reflected CRC with all-ones init and xorout, crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕ crc(B):
 * the init and xorout terms cancel. Multiplication is in GF(2)[x]/P on the reflected representation
 * (the top bit is x^0), kept in two uint32 lanes so one implementation serves 32 and 64 bits.
 */

/** The CRCs whose per-part values combine into a whole-object CRC. */
export type CombinableCrc = 'CRC32' | 'CRC32C' | 'CRC64NVME';

/** A value in GF(2)[x]/P as two uint32 lanes (BigInt is ~10x slower in the inner loop); hi is 0 for 32-bit CRCs. */
interface Poly {
  hi: number;
  lo: number;
}

interface CrcParams {
  readonly bytes: number;
  /** Reflected polynomial. */
  readonly poly: Poly;
  /** x^0 in reflected form (the top bit). */
  readonly one: Poly;
  /** x^(2^k) mod P for k = 0..63: squarings, so x^n needs one multiplication per set bit of n. */
  readonly x2n: readonly Poly[];
}

function params(bytes: 4 | 8, poly: bigint): CrcParams {
  const p: CrcParams = {
    bytes,
    poly: { hi: Number(poly >> 32n), lo: Number(poly & 0xffffffffn) },
    one: bytes === 8 ? { hi: 0x80000000, lo: 0 } : { hi: 0, lo: 0x80000000 },
    x2n: [],
  };
  const table: Poly[] = [bytes === 8 ? { hi: 0x40000000, lo: 0 } : { hi: 0, lo: 0x40000000 }]; // x^1
  for (let k = 1; k < 64; k++) {
    const prev = table[k - 1] as Poly;
    table.push(multModP(p, prev, prev));
  }
  return { ...p, x2n: table };
}

/** a·b mod P, both reflected: walks a's coefficients from x^0 (the top bit) down. */
function multModP(p: CrcParams, a: Poly, b: Poly): Poly {
  let pHi = 0;
  let pLo = 0;
  let bHi = b.hi;
  let bLo = b.lo;
  const polyHi = p.poly.hi;
  const polyLo = p.poly.lo;
  // A 32-bit CRC lives in the lo lane only, so its walk starts there.
  for (let lane = p.bytes === 8 ? 0 : 1; lane < 2; lane++) {
    const word = lane === 0 ? a.hi : a.lo;
    for (let m = 0x80000000; m >= 1; m /= 2) {
      if (word & m) {
        pHi ^= bHi;
        pLo ^= bLo;
        // Nothing of a left below this coefficient: the rest would only add zeros.
        if ((word & (m - 1)) === 0 && (lane === 1 || a.lo === 0)) return { hi: pHi >>> 0, lo: pLo >>> 0 };
      }
      const carry = bLo & 1;
      bLo = (bLo >>> 1) | ((bHi & 1) << 31);
      bHi = bHi >>> 1;
      if (carry) {
        bHi ^= polyHi;
        bLo ^= polyLo;
      }
    }
  }
  return { hi: pHi >>> 0, lo: pLo >>> 0 };
}

/** x^(8·bytes) mod P. */
function shiftBytes(p: CrcParams, bytes: number): Poly {
  let result = p.one;
  let n = bytes;
  let k = 3; // 8 = 2^3: one byte is x^(2^3)
  while (n > 0) {
    if (n % 2 === 1) result = multModP(p, p.x2n[k % 64] as Poly, result);
    n = Math.floor(n / 2);
    k++;
  }
  return result;
}

const PARAMS: Record<CombinableCrc, CrcParams> = {
  CRC32: params(4, 0xedb88320n),
  CRC32C: params(4, 0x82f63b78n),
  CRC64NVME: params(8, 0x9a6c9329ac4bc9b5n),
};

/** True for the algorithms that can be combined (and so can be FULL_OBJECT on a multipart upload). */
export function isCombinableCrc(algorithm: string): algorithm is CombinableCrc {
  return algorithm === 'CRC32' || algorithm === 'CRC32C' || algorithm === 'CRC64NVME';
}

function fromDigest(digest: Uint8Array, bytes: number): Poly {
  if (digest.length !== bytes)
    throw new RangeError(`expected a ${bytes}-byte CRC, got ${digest.length} bytes`);
  const d = Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
  return bytes === 8 ? { hi: d.readUInt32BE(0), lo: d.readUInt32BE(4) } : { hi: 0, lo: d.readUInt32BE(0) };
}

function toDigest(value: Poly, bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  if (bytes === 8) {
    out.writeUInt32BE(value.hi, 0);
    out.writeUInt32BE(value.lo, 4);
  } else out.writeUInt32BE(value.lo, 0);
  return out;
}

function xor(a: Poly, b: Poly): Poly {
  return { hi: (a.hi ^ b.hi) >>> 0, lo: (a.lo ^ b.lo) >>> 0 };
}

function checkLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid length ${length}`);
}

/**
 * The CRC of A‖B from crc(A), crc(B) and |B|. CRCs are big-endian digests as the checksum hashers
 * produce them (4 bytes for CRC32/CRC32C, 8 for CRC64NVME); so is the result.
 */
export function combineCrc(
  algorithm: CombinableCrc,
  crcA: Uint8Array,
  crcB: Uint8Array,
  lengthB: number,
): Buffer {
  checkLength(lengthB);
  const p = PARAMS[algorithm];
  const a = fromDigest(crcA, p.bytes);
  const b = fromDigest(crcB, p.bytes);
  return toDigest(xor(multModP(p, shiftBytes(p, lengthB), a), b), p.bytes);
}

/**
 * The whole-object CRC of consecutive parts, from each part's CRC digest and byte length. Parts of
 * an upload are mostly one size, so the shift for each distinct length is computed once.
 */
export function combineCrcs(
  algorithm: CombinableCrc,
  parts: ReadonlyArray<{ crc: Uint8Array; size: number }>,
): Buffer {
  const first = parts[0];
  if (first === undefined) throw new RangeError('at least one part is needed');
  const p = PARAMS[algorithm];
  const shifts = new Map<number, Poly>();
  let crc = fromDigest(first.crc, p.bytes);
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as { crc: Uint8Array; size: number };
    checkLength(part.size);
    let shift = shifts.get(part.size);
    if (shift === undefined) {
      shift = shiftBytes(p, part.size);
      shifts.set(part.size, shift);
    }
    crc = xor(multModP(p, shift, crc), fromDigest(part.crc, p.bytes));
  }
  return toDigest(crc, p.bytes);
}
