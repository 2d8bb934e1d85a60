import type { S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { ownerElement } from '../listing.js';
import { sendXml } from '../response.js';
import { el, xmlDocument, xmlTimestamp } from '../xml.js';

/** ListBuckets: every bucket, sorted by name; `prefix`, `max-buckets` and `continuation-token` page it. */
export async function listBuckets(ctx: S3Context): Promise<void> {
  const prefix = ctx.query.get('prefix') ?? '';
  const maxRaw = ctx.query.get('max-buckets');
  let max = Number.POSITIVE_INFINITY;
  if (maxRaw !== null) {
    if (!/^\d+$/.test(maxRaw) || Number(maxRaw) < 1 || Number(maxRaw) > 10000) {
      throw new S3Error('InvalidArgument', 'Argument max-buckets must be an integer between 1 and 10000.', {
        ArgumentName: 'max-buckets',
        ArgumentValue: maxRaw,
      });
    }
    max = Number(maxRaw);
  }
  const token = ctx.query.get('continuation-token');
  const after = token === null ? '' : Buffer.from(token, 'base64url').toString('utf8');

  const all = (await ctx.objects.listBuckets())
    .filter((b) => b.name.startsWith(prefix) && b.name > after)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  const last = page[page.length - 1];

  sendXml(
    ctx,
    200,
    xmlDocument('ListAllMyBucketsResult', [
      ownerElement('Owner', ctx.owner),
      el(
        'Buckets',
        page.map((b) =>
          el('Bucket', [
            el('Name', b.name),
            el('CreationDate', xmlTimestamp(b.created)),
            el('BucketRegion', ctx.region),
          ]),
        ),
      ),
      el('ContinuationToken', truncated && last ? Buffer.from(last.name).toString('base64url') : undefined),
      el('Prefix', prefix === '' ? undefined : prefix),
    ]),
  );
}
