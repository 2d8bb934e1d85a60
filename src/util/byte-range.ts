/** The smallest byte string greater than every string starting with `prefix` (undefined: none). */
export function prefixEnd(prefix: Uint8Array): Buffer | undefined {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if ((b[i] as number) < 0xff) {
      b[i] = (b[i] as number) + 1;
      return b.subarray(0, i + 1);
    }
  }
  return undefined;
}
