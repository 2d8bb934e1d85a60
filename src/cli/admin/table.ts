/**
 * Plain-text rendering for `cairn admin`'s human output: aligned tables and `Label: value` records.
 * Every cell is sanitised, so a name holding terminal control sequences prints as visible escapes
 * instead of acting on the operator's terminal.
 */

const GAP = '  ';

/** Replaces control characters (C0, DEL, C1) with `\xNN` escapes. */
export function printable(value: string): string {
  return value.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * Columns aligned on the widest cell, separated by two spaces, the header first; the last column is
 * not padded (no trailing blanks). With no rows, `empty` is printed instead of a lone header.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  empty: string,
): string {
  if (rows.length === 0) return empty;
  const cells = [headers.map(printable), ...rows.map((r) => headers.map((_, i) => printable(r[i] ?? '')))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join(GAP)
        .trimEnd(),
    )
    .join('\n');
}

/** `Label: value` lines with the values aligned; undefined values are left out. */
export function renderRecord(fields: readonly (readonly [string, string | undefined])[]): string {
  const present = fields.filter((f): f is readonly [string, string] => f[1] !== undefined);
  const width = Math.max(0, ...present.map(([label]) => label.length + 1));
  return present
    .map(([label, value]) => `${`${label}:`.padEnd(width)} ${printable(value)}`.trimEnd())
    .join('\n');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Bytes in binary units with one decimal above 1 KiB (`1.5 GiB`); non-numbers print as `-`. */
export function formatBytes(bytes: unknown): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A duration in seconds as its two largest units (`3d 4h`, `5m 2s`, `42s`). */
export function formatDuration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.floor(seconds);
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

/** A list shown in one cell: comma-separated, `-` when empty. */
export function listCell(values: readonly string[] | undefined): string {
  return values === undefined || values.length === 0 ? '-' : values.join(',');
}
