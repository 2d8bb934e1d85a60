import type { ObjectInfo } from '../../../object/object-layer.js';
import { header, requestedVersion, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { MAX_LIST_PAGE } from '../listing.js';
import { readExisting } from '../missing-object.js';
import { httpDate } from '../object-headers.js';
import { sendXml } from '../response.js';
import { el, type XmlElement, xmlDocument } from '../xml.js';

/** The attributes a client may ask for, in the order S3 writes them whatever the request's order. */
const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/**
 * The `x-amz-object-attributes` list: comma-separated names (SDKs write `a, b`; repeated header lines
 * arrive joined by commas), empty items skipped. No name at all is InvalidRequest, an unknown one
 * InvalidArgument naming it, as S3 answers.
 */
export function parseObjectAttributes(value: string | undefined): Set<Attribute> {
  const wanted = new Set<Attribute>();
  for (const item of (value ?? '').split(',')) {
    const name = item.trim();
    if (name === '') continue;
    if (!(ATTRIBUTES as readonly string[]).includes(name)) {
      throw new S3Error('InvalidArgument', 'Invalid attribute name specified.', {
        ArgumentName: 'x-amz-object-attributes',
        ArgumentValue: name,
      });
    }
    wanted.add(name as Attribute);
  }
  if (wanted.size === 0) {
    throw new S3Error(
      'InvalidRequest',
      'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
    );
  }
  return wanted;
}

/**
 * A non-negative integer header, or undefined when absent or not one: S3 ignores an invalid
 * `x-amz-max-parts` rather than rejecting the request (and we treat the marker alike).
 */
function optionalCount(ctx: S3Context, name: string): number | undefined {
  const raw = header(ctx, name)?.trim();
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) return undefined;
  return Number(raw);
}

/** The whole-object checksum, without the `-N` part count a composite value carries elsewhere. */
function checksumElement(info: ObjectInfo): XmlElement | undefined {
  const checksum = info.checksum;
  if (checksum === undefined) return undefined;
  const dash = checksum.value.indexOf('-');
  const value = dash === -1 ? checksum.value : checksum.value.slice(0, dash);
  return el('Checksum', [el(`Checksum${checksum.algorithm}`, value), el('ChecksumType', checksum.type)]);
}

/**
 * ObjectParts of a multipart object: always the part count; the part list (paged like ListParts)
 * only when the object has a COMPOSITE checksum, the one case where S3 can give each part's
 * checksum. A single-part object has no ObjectParts.
 */
function objectPartsElement(ctx: S3Context, info: ObjectInfo): XmlElement | undefined {
  const parts = info.parts;
  if (parts === undefined || parts.length === 0) return undefined;
  // The SDKs' TotalPartsCount travels as PartsCount.
  const count = el('PartsCount', parts.length);
  const checksum = info.checksum;
  if (checksum === undefined || checksum.type !== 'COMPOSITE') return el('ObjectParts', [count]);

  const marker = optionalCount(ctx, 'x-amz-part-number-marker') ?? 0;
  const maxParts = Math.min(optionalCount(ctx, 'x-amz-max-parts') ?? MAX_LIST_PAGE, MAX_LIST_PAGE);
  const after = parts.filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const last = page.at(-1);
  return el('ObjectParts', [
    count,
    el('PartNumberMarker', marker),
    el('NextPartNumberMarker', last?.partNumber ?? 0),
    el('MaxParts', maxParts),
    el('IsTruncated', after.length > page.length),
    ...page.map((p) =>
      el('Part', [
        el('PartNumber', p.partNumber),
        el('Size', p.size),
        el(`Checksum${checksum.algorithm}`, p.checksum),
      ]),
    ),
  ]);
}

/**
 * GetObjectAttributes (GET ?attributes): the requested subset of ETag, Checksum, ObjectParts,
 * StorageClass and ObjectSize from the object's metadata, without reading its data. S3 takes no
 * conditional headers here. IAM actions: s3:GetObjectAttributes, and s3:GetObjectVersionAttributes
 * with a versionId.
 */
export async function getObjectAttributes(ctx: S3Context): Promise<void> {
  // A missing bucket answers before a bad header does; a missing key only after it.
  await ctx.objects.getBucketInfo(ctx.bucket);
  const wanted = parseObjectAttributes(header(ctx, 'x-amz-object-attributes'));
  const info = await readExisting(ctx, () =>
    ctx.objects.getObjectInfo(ctx.bucket, ctx.key, requestedVersion(ctx)),
  );
  const children: Record<Attribute, () => XmlElement | undefined> = {
    ETag: () => el('ETag', info.etag),
    Checksum: () => checksumElement(info),
    ObjectParts: () => objectPartsElement(ctx, info),
    StorageClass: () => el('StorageClass', 'STANDARD'),
    ObjectSize: () => el('ObjectSize', info.size),
  };
  const body = ATTRIBUTES.filter((a) => wanted.has(a)).map((a) => children[a]());
  sendXml(
    ctx,
    200,
    xmlDocument(
      'GetObjectAttributesResponse',
      body.filter((e): e is XmlElement => e !== undefined),
    ),
    { 'Last-Modified': httpDate(info.lastModified) },
  );
}
