import type { IncomingHttpHeaders } from 'node:http';
import type { S3Context } from './context.js';
import { S3Error } from './errors.js';
import { abortMultipartUpload } from './ops/abort-multipart-upload.js';
import {
  deleteBucketPolicy,
  getBucketPolicy,
  getBucketPolicyStatus,
  putBucketPolicy,
} from './ops/bucket-policy.js';
import { completeMultipartUpload } from './ops/complete-multipart-upload.js';
import { copyObject } from './ops/copy-object.js';
import { createBucket } from './ops/create-bucket.js';
import { createMultipartUpload } from './ops/create-multipart-upload.js';
import { deleteBucket } from './ops/delete-bucket.js';
import { deleteObject } from './ops/delete-object.js';
import { deleteObjects } from './ops/delete-objects.js';
import { getBucketAcl, getObjectAcl } from './ops/get-acl.js';
import { getBucketLocation } from './ops/get-bucket-location.js';
import { getBucketOwnershipControls } from './ops/get-bucket-ownership-controls.js';
import { getBucketVersioning } from './ops/get-bucket-versioning.js';
import { getObject, headObject } from './ops/get-object.js';
import { getObjectAttributes } from './ops/get-object-attributes.js';
import { headBucket } from './ops/head-bucket.js';
import { listBuckets } from './ops/list-buckets.js';
import { listMultipartUploads } from './ops/list-multipart-uploads.js';
import { listObjects } from './ops/list-objects.js';
import { listObjectsV2 } from './ops/list-objects-v2.js';
import { listParts } from './ops/list-parts.js';
import { postObject } from './ops/post-object.js';
import {
  deletePublicAccessBlock,
  getPublicAccessBlock,
  putPublicAccessBlock,
} from './ops/public-access-block.js';
import { putBucketAcl, putObjectAcl } from './ops/put-acl.js';
import { putObject } from './ops/put-object.js';
import { uploadPart } from './ops/upload-part.js';
import { uploadPartCopy } from './ops/upload-part-copy.js';

export type Target = 'service' | 'bucket' | 'object';
export type Handler = (ctx: S3Context) => Promise<void>;

export interface Route {
  /**
   * The AWS operation name. It names the request's API in the completion event (metrics, trace,
   * audit) and in region checks; a reader finds any operation here by it.
   */
  name: string;
  /** The IAM action the request needs on its bucket or object (service authorization reference). */
  action: string;
  /** The action instead, when the request names a `versionId`. */
  versionAction?: string;
  /**
   * The operation authorizes each object it touches itself (DeleteObjects answers AccessDenied per
   * key), so the request is not authorized as a whole.
   */
  perObject?: boolean;
  /**
   * The operation authenticates and authorizes from the request body (POST Object's signed form),
   * so the request is not authorized as a whole, and an unsigned one reaches it.
   */
  formAuth?: boolean;
  method: string;
  target: Target;
  /** Query parameters that must all be present (subresources). */
  query?: readonly string[];
  /** A header that must be present (x-amz-copy-source tells copies from uploads). */
  header?: string;
  /** A query parameter that must have this exact value. */
  queryValue?: readonly [string, string];
  handler: Handler;
}

/**
 * The routing table: first match wins, so routes with more specific conditions come first. A reader
 * finds any operation here by its AWS name.
 */
export const ROUTES: readonly Route[] = [
  {
    name: 'ListBuckets',
    action: 's3:ListAllMyBuckets',
    method: 'GET',
    target: 'service',
    handler: listBuckets,
  },

  {
    name: 'ListMultipartUploads',
    action: 's3:ListBucketMultipartUploads',
    method: 'GET',
    target: 'bucket',
    query: ['uploads'],
    handler: listMultipartUploads,
  },
  {
    name: 'GetBucketLocation',
    action: 's3:GetBucketLocation',
    method: 'GET',
    target: 'bucket',
    query: ['location'],
    handler: getBucketLocation,
  },
  {
    name: 'GetBucketAcl',
    action: 's3:GetBucketAcl',
    method: 'GET',
    target: 'bucket',
    query: ['acl'],
    handler: getBucketAcl,
  },
  {
    name: 'PutBucketAcl',
    action: 's3:PutBucketAcl',
    method: 'PUT',
    target: 'bucket',
    query: ['acl'],
    handler: putBucketAcl,
  },
  {
    name: 'GetBucketPolicy',
    action: 's3:GetBucketPolicy',
    method: 'GET',
    target: 'bucket',
    query: ['policy'],
    handler: getBucketPolicy,
  },
  {
    name: 'PutBucketPolicy',
    action: 's3:PutBucketPolicy',
    method: 'PUT',
    target: 'bucket',
    query: ['policy'],
    handler: putBucketPolicy,
  },
  {
    name: 'DeleteBucketPolicy',
    action: 's3:DeleteBucketPolicy',
    method: 'DELETE',
    target: 'bucket',
    query: ['policy'],
    handler: deleteBucketPolicy,
  },
  {
    name: 'GetBucketPolicyStatus',
    action: 's3:GetBucketPolicyStatus',
    method: 'GET',
    target: 'bucket',
    query: ['policyStatus'],
    handler: getBucketPolicyStatus,
  },
  {
    name: 'GetBucketOwnershipControls',
    action: 's3:GetBucketOwnershipControls',
    method: 'GET',
    target: 'bucket',
    query: ['ownershipControls'],
    handler: getBucketOwnershipControls,
  },
  {
    name: 'GetPublicAccessBlock',
    action: 's3:GetBucketPublicAccessBlock',
    method: 'GET',
    target: 'bucket',
    query: ['publicAccessBlock'],
    handler: getPublicAccessBlock,
  },
  {
    name: 'PutPublicAccessBlock',
    action: 's3:PutBucketPublicAccessBlock',
    method: 'PUT',
    target: 'bucket',
    query: ['publicAccessBlock'],
    handler: putPublicAccessBlock,
  },
  {
    // S3 has no action of its own for this: removing the block is changing it.
    name: 'DeletePublicAccessBlock',
    action: 's3:PutBucketPublicAccessBlock',
    method: 'DELETE',
    target: 'bucket',
    query: ['publicAccessBlock'],
    handler: deletePublicAccessBlock,
  },
  {
    name: 'GetBucketVersioning',
    action: 's3:GetBucketVersioning',
    method: 'GET',
    target: 'bucket',
    query: ['versioning'],
    handler: getBucketVersioning,
  },
  {
    name: 'DeleteObjects',
    action: 's3:DeleteObject',
    perObject: true,
    method: 'POST',
    target: 'bucket',
    query: ['delete'],
    handler: deleteObjects,
  },
  {
    name: 'ListObjectsV2',
    action: 's3:ListBucket',
    method: 'GET',
    target: 'bucket',
    queryValue: ['list-type', '2'],
    handler: listObjectsV2,
  },
  { name: 'ListObjects', action: 's3:ListBucket', method: 'GET', target: 'bucket', handler: listObjects },
  {
    name: 'PostObject',
    action: 's3:PutObject',
    formAuth: true,
    method: 'POST',
    target: 'bucket',
    handler: postObject,
  },
  { name: 'HeadBucket', action: 's3:ListBucket', method: 'HEAD', target: 'bucket', handler: headBucket },
  { name: 'CreateBucket', action: 's3:CreateBucket', method: 'PUT', target: 'bucket', handler: createBucket },
  {
    name: 'DeleteBucket',
    action: 's3:DeleteBucket',
    method: 'DELETE',
    target: 'bucket',
    handler: deleteBucket,
  },

  {
    name: 'ListParts',
    action: 's3:ListMultipartUploadParts',
    method: 'GET',
    target: 'object',
    query: ['uploadId'],
    handler: listParts,
  },
  {
    name: 'GetObjectAcl',
    action: 's3:GetObjectAcl',
    versionAction: 's3:GetObjectVersionAcl',
    method: 'GET',
    target: 'object',
    query: ['acl'],
    handler: getObjectAcl,
  },
  {
    name: 'GetObjectAttributes',
    action: 's3:GetObjectAttributes',
    versionAction: 's3:GetObjectVersionAttributes',
    method: 'GET',
    target: 'object',
    query: ['attributes'],
    handler: getObjectAttributes,
  },
  {
    name: 'PutObjectAcl',
    action: 's3:PutObjectAcl',
    versionAction: 's3:PutObjectVersionAcl',
    method: 'PUT',
    target: 'object',
    query: ['acl'],
    handler: putObjectAcl,
  },
  {
    name: 'UploadPartCopy',
    action: 's3:PutObject',
    method: 'PUT',
    target: 'object',
    query: ['partNumber', 'uploadId'],
    header: 'x-amz-copy-source',
    handler: uploadPartCopy,
  },
  {
    name: 'UploadPart',
    action: 's3:PutObject',
    method: 'PUT',
    target: 'object',
    query: ['partNumber', 'uploadId'],
    handler: uploadPart,
  },
  {
    name: 'CreateMultipartUpload',
    action: 's3:PutObject',
    method: 'POST',
    target: 'object',
    query: ['uploads'],
    handler: createMultipartUpload,
  },
  {
    name: 'CompleteMultipartUpload',
    action: 's3:PutObject',
    method: 'POST',
    target: 'object',
    query: ['uploadId'],
    handler: completeMultipartUpload,
  },
  {
    name: 'AbortMultipartUpload',
    action: 's3:AbortMultipartUpload',
    method: 'DELETE',
    target: 'object',
    query: ['uploadId'],
    handler: abortMultipartUpload,
  },
  {
    name: 'CopyObject',
    action: 's3:PutObject',
    method: 'PUT',
    target: 'object',
    header: 'x-amz-copy-source',
    handler: copyObject,
  },
  { name: 'PutObject', action: 's3:PutObject', method: 'PUT', target: 'object', handler: putObject },
  {
    name: 'GetObject',
    action: 's3:GetObject',
    versionAction: 's3:GetObjectVersion',
    method: 'GET',
    target: 'object',
    handler: getObject,
  },
  {
    name: 'HeadObject',
    action: 's3:GetObject',
    versionAction: 's3:GetObjectVersion',
    method: 'HEAD',
    target: 'object',
    handler: headObject,
  },
  {
    name: 'DeleteObject',
    action: 's3:DeleteObject',
    versionAction: 's3:DeleteObjectVersion',
    method: 'DELETE',
    target: 'object',
    handler: deleteObject,
  },
];

/**
 * Subresources of features Cairn does not have. A request naming one answers 501 NotImplemented,
 * never a success that did nothing, and never the plain operation the same method would otherwise
 * route to (a PUT ?tagging must not overwrite the object with its tag document).
 */
export const UNIMPLEMENTED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metadataConfiguration',
  'metadataTable',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'renameObject',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'versioning',
  'versions',
  'website',
]);

/** Subresources our routes use: on a method or target that has no route for them, 405. */
const ROUTED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'attributes',
  'uploads',
  'uploadId',
  'delete',
  'location',
  'policy',
  'policyStatus',
  'publicAccessBlock',
]);

export interface RouteRequest {
  method: string;
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

function matches(route: Route, target: Target, req: RouteRequest): boolean {
  if (route.target !== target || route.method !== req.method) return false;
  if (route.query !== undefined && !route.query.every((q) => req.query.has(q))) return false;
  if (route.queryValue !== undefined && req.query.get(route.queryValue[0]) !== route.queryValue[1])
    return false;
  if (route.header !== undefined && req.headers[route.header] === undefined) return false;
  return true;
}

/**
 * Picks the operation for a request: explicit subresource routes, then 501 for unimplemented
 * subresources, then the plain route for the method and target; 405 when nothing fits.
 */
export function route(req: RouteRequest): Route {
  const target: Target = req.bucket === undefined ? 'service' : req.key === undefined ? 'bucket' : 'object';
  const withSubresource = ROUTES.find((r) => r.query !== undefined && matches(r, target, req));
  if (withSubresource !== undefined) return versionChecked(withSubresource, req);
  for (const name of req.query.keys()) {
    if (UNIMPLEMENTED_SUBRESOURCES.has(name)) {
      throw new S3Error('NotImplemented', `The ${name} subresource is not implemented.`);
    }
  }
  for (const name of req.query.keys()) {
    if (ROUTED_SUBRESOURCES.has(name)) throw new S3Error('MethodNotAllowed');
  }
  const plain = ROUTES.find((r) => r.query === undefined && matches(r, target, req));
  if (plain === undefined) throw new S3Error('MethodNotAllowed');
  return versionChecked(plain, req);
}

/**
 * Operations on one version (those with a `versionAction`) take the `versionId` to the object
 * layer. On any other object operation a version other than `null` cannot exist yet: nothing has
 * been written with versioning on (the bucket-features issue), so it is NoSuchVersion.
 */
function versionChecked(op: Route, req: RouteRequest): Route {
  const versionId = req.query.get('versionId');
  if (
    op.target === 'object' &&
    op.versionAction === undefined &&
    versionId !== null &&
    versionId !== 'null'
  ) {
    throw new S3Error('NoSuchVersion', undefined, { Key: req.key ?? '', VersionId: versionId });
  }
  return op;
}
