/** Byte sizes as operators write them: `500GiB`, `1.5TB`, `64MiB`, `4096`. */

const UNITS: Record<string, number> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
  // MinIO and Kubernetes also write the binary units without the B.
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
};

/**
 * Parses a size: a number, optionally fractional, then an optional unit (B, KiB…TiB binary, KB…TB
 * decimal, case-insensitive). Returns whole bytes (rounded down); throws with the reason otherwise.
 */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) throw new Error(`expected a size like 500GiB, 64MiB or 1TB, not ${JSON.stringify(text)}`);
  const unit = (match[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : UNITS[unit];
  if (factor === undefined)
    throw new Error(`unknown unit ${JSON.stringify(match[2])} (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)`);
  const bytes = Math.floor(Number(match[1]) * factor);
  if (!Number.isSafeInteger(bytes)) throw new Error(`${text} is too large`);
  return bytes;
}

/** The size in the largest binary unit that keeps it short: `500GiB`, `1.5MiB`, `12B`. */
export function formatByteSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
  return `${shown}${units[i]}`;
}
