import type { TLSSocket } from 'node:tls';
import { checksumHeaderName } from '../../../util/checksum.js';
import { MAX_KEY_BYTES } from '../addressing.js';
import { authenticateForm, type FormAuth, isSignatureField, missingField } from '../auth/post-signature.js';
import { header, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import {
  formChecksum,
  formContentMd5,
  formMetadata,
  redirectTarget,
  rejectUnsupportedFields,
} from '../post-fields.js';
import { type FormFields, type FormUpload, fileBody, readForm } from '../post-form.js';
import { checkPostPolicy, type LengthRange, parsePostPolicy } from '../post-policy.js';
import { sendEmpty, sendXml } from '../response.js';
import { el, quoteEtag, xmlDocument } from '../xml.js';

const FORM_DATA = /^multipart\/form-data\s*(;|$)/i;

/**
 * PostObject: a browser form upload to the bucket URL (AWS "POST Object", "Browser-based uploads
 * using POST"). The fields before the file are read, the form authenticated from its own
 * signature fields (anonymous without them), checked against its signed policy, and its principal
 * authorized for s3:PutObject on the key; then the file part streams into the object layer, held
 * to the policy's content-length-range, and nothing is stored if it fails or breaks off.
 */
export async function postObject(ctx: S3Context): Promise<void> {
  const contentType = header(ctx, 'content-type') ?? '';
  if (!FORM_DATA.test(contentType.trim())) {
    throw new S3Error('PreconditionFailed', undefined, {
      Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
    });
  }
  const length = header(ctx, 'content-length');
  const declared = length !== undefined && /^\d+$/.test(length.trim()) ? Number(length.trim()) : undefined;
  const form = await readForm(ctx.body(), contentType, declared);
  try {
    await store(ctx, form);
  } catch (err) {
    await form.release();
    throw err;
  }
}

/** The key the form names, `${filename}` replaced by the file's name (S3's browser-upload variable). */
function formKey(fields: FormFields, filename: string | undefined): string {
  const named = fields.value('key');
  if (named === undefined) throw missingField('key');
  const key = named.replaceAll('${filename}', filename ?? '');
  if (key === '')
    throw new S3Error('InvalidArgument', 'User key must have a length greater than 0.', {
      ArgumentName: 'key',
      ArgumentValue: '',
    });
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', undefined, {
      Size: String(Buffer.byteLength(key)),
      MaxSizeAllowed: String(MAX_KEY_BYTES),
    });
  }
  return key;
}

/** Signature, policy and authorization, in S3's order; returns the file's allowed size range. */
async function admit(ctx: S3Context, fields: FormFields, key: string): Promise<LengthRange | undefined> {
  let identityPrincipal: ReturnType<S3Context['lookupIdentity']>;
  const auth: FormAuth = authenticateForm(
    (name) => fields.value(name),
    (accessKey, sessionToken) => {
      // The form's x-amz-security-token names temporary credentials (AssumeRole's).
      identityPrincipal = ctx.lookupIdentity(accessKey, sessionToken);
      return identityPrincipal?.secretKey;
    },
  );
  if (auth.kind === 'signed' && identityPrincipal !== undefined) ctx.actAs(auth, identityPrincipal.principal);
  let range: LengthRange | undefined;
  const policy = fields.value('policy');
  if (policy !== undefined) {
    const exempt = (field: string) =>
      field === 'policy' ||
      field === 'file' ||
      field.startsWith('x-ignore-') ||
      isSignatureField(auth, field);
    range = checkPostPolicy(parsePostPolicy(policy), fields, exempt);
  }
  await ctx.authorize('s3:PutObject', ctx.bucket, key);
  return range;
}

/** The object's URL, in the addressing style the form was posted with. */
function objectUrl(ctx: S3Context, key: string): string {
  const scheme = (ctx.req.socket as TLSSocket).encrypted === true ? 'https' : 'http';
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  const path = (ctx.req.url ?? '/').split('?')[0];
  // Virtual-host style posts to `/` (the Host names the bucket); path style to `/bucket`.
  const virtualHost = path === '/' || path === '';
  return `${scheme}://${ctx.req.headers.host ?? ''}/${virtualHost ? '' : `${ctx.bucket}/`}${encodedKey}`;
}

async function store(ctx: S3Context, form: FormUpload): Promise<void> {
  const { fields } = form;
  const key = formKey(fields, form.filename);
  ctx.errorContext.key = key;
  fields.set('key', key);
  // The bucket is an input the policy must allow, though the URL names it rather than a field.
  fields.set('bucket', ctx.bucket);
  const range = await admit(ctx, fields, key);

  rejectUnsupportedFields(fields);
  const metadata = formMetadata(fields);
  const md5 = formContentMd5(fields);
  const checksum = formChecksum(fields);
  ctx.errorContext.checksumAlgorithm = checksum?.algorithm;
  const redirect = redirectTarget(fields);
  const status = fields.value('success_action_status');

  const info = await ctx.objects.putObject(ctx.bucket, key, fileBody(form.file, range), {
    size: undefined,
    metadata,
    ...(md5 === undefined ? {} : { contentMd5: md5 }),
    ...(checksum === undefined ? {} : { checksum }),
  });

  const etag = quoteEtag(info.etag);
  if (redirect !== undefined) {
    redirect.searchParams.append('bucket', ctx.bucket);
    redirect.searchParams.append('key', key);
    redirect.searchParams.append('etag', etag);
    sendEmpty(ctx, 303, { Location: redirect.toString() });
    return;
  }
  const location = objectUrl(ctx, key);
  const headers: Record<string, string> = { ETag: etag, Location: location };
  if (checksum !== undefined && info.checksum !== undefined) {
    headers[checksumHeaderName(info.checksum.algorithm)] = info.checksum.value;
    headers['x-amz-checksum-type'] = info.checksum.type;
  }
  if (status === '201') {
    const xml = xmlDocument(
      'PostResponse',
      [el('Location', location), el('Bucket', ctx.bucket), el('Key', key), el('ETag', etag)],
      null,
    );
    sendXml(ctx, 201, xml, headers);
  } else {
    sendEmpty(ctx, status === '200' ? 200 : 204, headers);
  }
}
