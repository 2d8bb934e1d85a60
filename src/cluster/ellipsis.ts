/**
 * MinIO-style ellipsis expansion: `/srv/disk{1...4}` → `/srv/disk1` … `/srv/disk4`.
 * Several ranges multiply (`http://host{1...2}/d{1...2}` → 4 endpoints, hosts outermost);
 * zero-padded bounds keep their width (`{01...10}`); hex is not supported (MinIO has it, nobody uses it).
 */
const RANGE = /\{(\d+)\.\.\.(\d+)\}/;

export class EllipsisError extends Error {
  override name = 'EllipsisError';
}

export function expandEllipses(pattern: string): string[] {
  const match = RANGE.exec(pattern);
  if (!match) {
    if (/\{[^}]*\.\.\.[^}]*\}/.test(pattern))
      throw new EllipsisError(`invalid ellipsis range in "${pattern}"`);
    return [pattern];
  }
  const [whole, lowText, highText] = match as unknown as [string, string, string];
  const low = Number(lowText);
  const high = Number(highText);
  if (low > high) throw new EllipsisError(`ellipsis range ${whole} in "${pattern}" counts downwards`);
  const width = lowText.startsWith('0') && lowText.length > 1 ? lowText.length : 0;
  const head = pattern.slice(0, match.index);
  const tails = expandEllipses(pattern.slice(match.index + whole.length));
  const out: string[] = [];
  for (let n = low; n <= high; n++) {
    const label = width ? String(n).padStart(width, '0') : String(n);
    for (const tail of tails) out.push(head + label + tail);
  }
  return out;
}
