/**
 * For each S3 operation of the routing table (by its AWS name): how to make a request that
 * succeeds when the caller is allowed, with the root user preparing what it needs first (an
 * upload, an object to delete, a bucket to remove), and the IAM actions that are "exactly the
 * right" for it (a copy also reads its source). The matrix test fails when a route has no case.
 */
import { createHash } from 'node:crypto';
import { BOUNDARY, type FormSigner, fieldParts, multipart, v4FormFields } from '../helpers/post-forms.js';
import type { RawRequest } from '../helpers/raw-http.js';

/** The root user's view of the server, to prepare fixtures. */
export interface Fixtures {
  root: (req: RawRequest) => Promise<{ status: number; body: string }>;
  /** A name unused so far (keys, buckets, policy names). */
  unique: (prefix: string) => string;
}

export interface S3Case {
  /** The IAM actions a user needs for this request (the route's own, plus any the operation checks). */
  actions: string[];
  /**
   * Prepares fixtures as root and returns the request to send: unsigned, the caller signs it; or,
   * for a `formAuth` case, carrying a form signed with the caller's keys (none for anonymous).
   */
  request: (f: Fixtures, caller?: FormSigner) => Promise<RawRequest>;
  /** The request authenticates by its form's signature fields, not a header: it is sent unsigned. */
  formAuth?: boolean;
  /** The multi-object delete authorizes key by key: a refusal is a 200 with AccessDenied per key. */
  perKey?: boolean;
}

export const BUCKET = 'matrix';
/** Policy and PublicAccessBlock operations get a bucket of their own, so they change nothing else. */
export const POLICY_BUCKET = 'matrix-policy';
/** A bucket policy that grants nothing to anyone the matrix uses. */
export const INERT_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: { AWS: ['arn:aws:iam:::user/nobody-at-all'] },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${POLICY_BUCKET}/*`,
    },
  ],
});
const PAB_XML =
  '<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls></PublicAccessBlockConfiguration>';

function md5(body: string): string {
  return createHash('md5').update(body).digest('base64');
}

async function putObject(f: Fixtures, key: string): Promise<void> {
  const res = await f.root({ method: 'PUT', path: `/${BUCKET}/${key}`, body: `bytes of ${key}` });
  if (res.status !== 200) throw new Error(`fixture PUT ${key}: ${res.status} ${res.body}`);
}

async function createUpload(f: Fixtures, key: string): Promise<string> {
  const res = await f.root({ method: 'POST', path: `/${BUCKET}/${key}`, query: { uploads: '' } });
  const id = /<UploadId>([^<]+)<\/UploadId>/.exec(res.body)?.[1];
  if (id === undefined) throw new Error(`fixture CreateMultipartUpload: ${res.status} ${res.body}`);
  return id;
}

async function rootPolicy(f: Fixtures): Promise<void> {
  await f.root({ method: 'PUT', path: `/${POLICY_BUCKET}`, query: { policy: '' }, body: INERT_POLICY });
}

const get = (path: string, query: Record<string, string> = {}): RawRequest => ({
  method: 'GET',
  path,
  query,
});
const obj = `/${BUCKET}/obj`;

export const S3_CASES: Record<string, S3Case> = {
  ListBuckets: { actions: ['s3:ListAllMyBuckets'], request: async () => get('/') },
  ListMultipartUploads: {
    actions: ['s3:ListBucketMultipartUploads'],
    request: async () => get(`/${BUCKET}`, { uploads: '' }),
  },
  GetBucketLocation: {
    actions: ['s3:GetBucketLocation'],
    request: async () => get(`/${BUCKET}`, { location: '' }),
  },
  GetBucketAcl: { actions: ['s3:GetBucketAcl'], request: async () => get(`/${BUCKET}`, { acl: '' }) },
  PutBucketAcl: {
    actions: ['s3:PutBucketAcl'],
    request: async () => ({
      method: 'PUT',
      path: `/${BUCKET}`,
      query: { acl: '' },
      headers: { 'x-amz-acl': 'private' },
    }),
  },
  GetBucketPolicy: {
    actions: ['s3:GetBucketPolicy'],
    request: async (f) => {
      await rootPolicy(f);
      return get(`/${POLICY_BUCKET}`, { policy: '' });
    },
  },
  PutBucketPolicy: {
    actions: ['s3:PutBucketPolicy'],
    request: async () => ({
      method: 'PUT',
      path: `/${POLICY_BUCKET}`,
      query: { policy: '' },
      body: INERT_POLICY,
    }),
  },
  DeleteBucketPolicy: {
    actions: ['s3:DeleteBucketPolicy'],
    request: async (f) => {
      await rootPolicy(f);
      return { method: 'DELETE', path: `/${POLICY_BUCKET}`, query: { policy: '' } };
    },
  },
  GetBucketPolicyStatus: {
    actions: ['s3:GetBucketPolicyStatus'],
    request: async (f) => {
      await rootPolicy(f);
      return get(`/${POLICY_BUCKET}`, { policyStatus: '' });
    },
  },
  GetBucketOwnershipControls: {
    actions: ['s3:GetBucketOwnershipControls'],
    request: async () => get(`/${BUCKET}`, { ownershipControls: '' }),
  },
  GetPublicAccessBlock: {
    actions: ['s3:GetBucketPublicAccessBlock'],
    request: async (f) => {
      await f.root({
        method: 'PUT',
        path: `/${POLICY_BUCKET}`,
        query: { publicAccessBlock: '' },
        body: PAB_XML,
      });
      return get(`/${POLICY_BUCKET}`, { publicAccessBlock: '' });
    },
  },
  PutPublicAccessBlock: {
    actions: ['s3:PutBucketPublicAccessBlock'],
    request: async () => ({
      method: 'PUT',
      path: `/${POLICY_BUCKET}`,
      query: { publicAccessBlock: '' },
      headers: { 'content-md5': md5(PAB_XML) },
      body: PAB_XML,
    }),
  },
  DeletePublicAccessBlock: {
    actions: ['s3:PutBucketPublicAccessBlock'],
    request: async () => ({ method: 'DELETE', path: `/${POLICY_BUCKET}`, query: { publicAccessBlock: '' } }),
  },
  GetBucketVersioning: {
    actions: ['s3:GetBucketVersioning'],
    request: async () => get(`/${BUCKET}`, { versioning: '' }),
  },
  DeleteObjects: {
    actions: ['s3:DeleteObject'],
    perKey: true,
    request: async (f) => {
      const key = f.unique('multi-delete');
      await putObject(f, key);
      const body = `<Delete><Object><Key>${key}</Key></Object></Delete>`;
      return {
        method: 'POST',
        path: `/${BUCKET}`,
        query: { delete: '' },
        headers: { 'content-md5': md5(body) },
        body,
      };
    },
  },
  ListObjectsV2: { actions: ['s3:ListBucket'], request: async () => get(`/${BUCKET}`, { 'list-type': '2' }) },
  ListObjects: { actions: ['s3:ListBucket'], request: async () => get(`/${BUCKET}`) },
  HeadBucket: { actions: ['s3:ListBucket'], request: async () => ({ method: 'HEAD', path: `/${BUCKET}` }) },
  CreateBucket: {
    actions: ['s3:CreateBucket'],
    request: async (f) => ({ method: 'PUT', path: `/${f.unique('matrix-new')}` }),
  },
  DeleteBucket: {
    actions: ['s3:DeleteBucket'],
    request: async (f) => {
      const bucket = f.unique('matrix-gone');
      await f.root({ method: 'PUT', path: `/${bucket}` });
      return { method: 'DELETE', path: `/${bucket}` };
    },
  },
  ListParts: {
    actions: ['s3:ListMultipartUploadParts'],
    request: async (f) => {
      const key = f.unique('parts');
      return get(`/${BUCKET}/${key}`, { uploadId: await createUpload(f, key) });
    },
  },
  GetObjectAcl: { actions: ['s3:GetObjectAcl'], request: async () => get(obj, { acl: '' }) },
  GetObjectAttributes: {
    actions: ['s3:GetObjectAttributes'],
    request: async () => ({
      ...get(obj, { attributes: '' }),
      headers: { 'x-amz-object-attributes': 'ETag' },
    }),
  },
  PutObjectAcl: {
    actions: ['s3:PutObjectAcl'],
    request: async () => ({
      method: 'PUT',
      path: obj,
      query: { acl: '' },
      headers: { 'x-amz-acl': 'private' },
    }),
  },
  UploadPartCopy: {
    actions: ['s3:PutObject', 's3:GetObject'],
    request: async (f) => {
      const key = f.unique('part-copy');
      return {
        method: 'PUT',
        path: `/${BUCKET}/${key}`,
        query: { partNumber: '1', uploadId: await createUpload(f, key) },
        headers: { 'x-amz-copy-source': obj },
      };
    },
  },
  UploadPart: {
    actions: ['s3:PutObject'],
    request: async (f) => {
      const key = f.unique('part');
      return {
        method: 'PUT',
        path: `/${BUCKET}/${key}`,
        query: { partNumber: '1', uploadId: await createUpload(f, key) },
        body: 'part bytes',
      };
    },
  },
  CreateMultipartUpload: {
    actions: ['s3:PutObject'],
    request: async (f) => ({ method: 'POST', path: `/${BUCKET}/${f.unique('mpu')}`, query: { uploads: '' } }),
  },
  CompleteMultipartUpload: {
    actions: ['s3:PutObject'],
    request: async (f) => {
      const key = f.unique('complete');
      const uploadId = await createUpload(f, key);
      const part = await f.root({
        method: 'PUT',
        path: `/${BUCKET}/${key}`,
        query: { partNumber: '1', uploadId },
        body: 'the only part',
      });
      const etag = md5Hex('the only part');
      if (part.status !== 200) throw new Error(`fixture UploadPart: ${part.status} ${part.body}`);
      const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"${etag}"</ETag></Part></CompleteMultipartUpload>`;
      return { method: 'POST', path: `/${BUCKET}/${key}`, query: { uploadId }, body };
    },
  },
  AbortMultipartUpload: {
    actions: ['s3:AbortMultipartUpload'],
    request: async (f) => {
      const key = f.unique('abort');
      return { method: 'DELETE', path: `/${BUCKET}/${key}`, query: { uploadId: await createUpload(f, key) } };
    },
  },
  CopyObject: {
    actions: ['s3:PutObject', 's3:GetObject'],
    request: async (f) => ({
      method: 'PUT',
      path: `/${BUCKET}/${f.unique('copy')}`,
      headers: { 'x-amz-copy-source': obj },
    }),
  },
  PutObject: {
    actions: ['s3:PutObject'],
    request: async (f) => ({ method: 'PUT', path: `/${BUCKET}/${f.unique('put')}`, body: 'new bytes' }),
  },
  PostObject: {
    actions: ['s3:PutObject'],
    formAuth: true,
    request: async (f, caller) => {
      const key = f.unique('post');
      const signature = caller === undefined ? {} : v4FormFields(caller, BUCKET, [{ key }]);
      const body = multipart([
        ...fieldParts({ key, ...signature }),
        { name: 'file', value: 'posted bytes', filename: 'posted.txt' },
      ]);
      return {
        method: 'POST',
        path: `/${BUCKET}`,
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        body,
      };
    },
  },
  GetObject: { actions: ['s3:GetObject'], request: async () => get(obj) },
  HeadObject: { actions: ['s3:GetObject'], request: async () => ({ method: 'HEAD', path: obj }) },
  DeleteObject: {
    actions: ['s3:DeleteObject'],
    request: async (f) => {
      const key = f.unique('delete');
      await putObject(f, key);
      return { method: 'DELETE', path: `/${BUCKET}/${key}` };
    },
  },
};

function md5Hex(body: string): string {
  return createHash('md5').update(body).digest('hex');
}

/** Makes the buckets and the object the cases read. */
export async function makeS3Fixtures(f: Fixtures): Promise<void> {
  for (const bucket of [BUCKET, POLICY_BUCKET]) {
    const res = await f.root({ method: 'PUT', path: `/${bucket}` });
    if (res.status !== 200) throw new Error(`fixture bucket ${bucket}: ${res.status} ${res.body}`);
  }
  await putObject(f, 'obj');
}
