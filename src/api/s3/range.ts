import type { ByteRange } from '../../object/object-layer.js';
import { S3Error } from './errors.js';

/**
 * A parsed `Range: bytes=…` header against an object of `size` bytes:
 * - `undefined`: no usable single range (absent, not `bytes=`, malformed, or several ranges, which
 *   S3 answers with the whole object), so serve 200 with everything;
 * - a ByteRange: serve 206 with exactly those bytes;
 * - throws InvalidRange (416) when the range is well-formed but no byte of it exists.
 */
export function resolveRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (m === null) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return undefined; // syntactically invalid: ignored
  if (start >= size) throw unsatisfiable(size);
  return { start, end: Math.min(end, size - 1) };
}

function unsatisfiable(size: number): S3Error {
  return new S3Error('InvalidRange', undefined, { ActualObjectSize: String(size) });
}

/**
 * `x-amz-copy-source-range: bytes=first-last`, as S3 reads it: anything but one range with both ends,
 * first <= last, is malformed (InvalidArgument naming the form); a well-formed range that reaches
 * past the source is 416 InvalidRange naming the source size, as MinIO and Ceph RGW answer and the
 * S3 conformance suites expect (reports of AWS itself vary between that and 400 InvalidArgument).
 */
export function resolveCopySourceRange(value: string, size: number): ByteRange {
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  const start = Number(m?.[1]);
  const end = Number(m?.[2]);
  if (m === null || end < start) {
    throw new S3Error(
      'InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      {
        ArgumentName: 'x-amz-copy-source-range',
        ArgumentValue: value,
      },
    );
  }
  if (end >= size) {
    throw new S3Error('InvalidRange', `Range specified is not valid for source object of size: ${size}`, {
      RangeRequested: value,
    });
  }
  return { start, end };
}
