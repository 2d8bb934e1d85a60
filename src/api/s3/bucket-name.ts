/**
 * S3 bucket naming rules for new buckets: 3–63 characters of lower-case letters, digits, dots and
 * hyphens, starting and ending with a letter or digit, no `..`, not shaped like an IPv4 address, and
 * none of the prefixes and suffixes AWS reserves.
 */
export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return false;
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.startsWith('amzn-s3-demo-')) return false;
  if (
    name.endsWith('-s3alias') ||
    name.endsWith('--ol-s3') ||
    name.endsWith('.mrap') ||
    name.endsWith('--x-s3')
  ) {
    return false;
  }
  return true;
}
