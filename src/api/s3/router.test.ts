import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from './errors.js';
import { route } from './router.js';

function routeName(method: string, path: string, headers: Record<string, string> = {}): string {
  const [p = '', q = ''] = path.split('?');
  const [, bucket, ...rest] = p.split('/');
  const key = rest.join('/');
  try {
    return route({
      method,
      bucket: bucket === '' ? undefined : bucket,
      key: key === '' ? undefined : key,
      query: new URLSearchParams(q),
      headers,
    }).name;
  } catch (err) {
    if (err instanceof S3Error) return `${err.status} ${err.code}`;
    throw err;
  }
}

describe('routing table', () => {
  it('routes service and bucket operations', () => {
    assert.equal(routeName('GET', '/'), 'ListBuckets');
    assert.equal(routeName('PUT', '/b'), 'CreateBucket');
    assert.equal(routeName('HEAD', '/b'), 'HeadBucket');
    assert.equal(routeName('DELETE', '/b'), 'DeleteBucket');
    assert.equal(routeName('GET', '/b'), 'ListObjects');
    assert.equal(routeName('GET', '/b?list-type=2&prefix=x'), 'ListObjectsV2');
    assert.equal(routeName('GET', '/b?location'), 'GetBucketLocation');
    assert.equal(routeName('GET', '/b?uploads'), 'ListMultipartUploads');
    assert.equal(routeName('POST', '/b?delete'), 'DeleteObjects');
    assert.equal(routeName('POST', '/b'), 'PostObject');
    assert.equal(routeName('GET', '/b?acl'), 'GetBucketAcl');
    assert.equal(routeName('PUT', '/b?acl'), 'PutBucketAcl');
    assert.equal(routeName('GET', '/b?versioning'), 'GetBucketVersioning');
  });

  it('routes object and multipart operations, telling copies by x-amz-copy-source', () => {
    assert.equal(routeName('PUT', '/b/k'), 'PutObject');
    assert.equal(routeName('PUT', '/b/k', { 'x-amz-copy-source': '/b/j' }), 'CopyObject');
    assert.equal(routeName('GET', '/b/k'), 'GetObject');
    assert.equal(routeName('GET', '/b/k?partNumber=2'), 'GetObject');
    assert.equal(routeName('HEAD', '/b/k'), 'HeadObject');
    assert.equal(routeName('DELETE', '/b/k'), 'DeleteObject');
    assert.equal(routeName('POST', '/b/k?uploads'), 'CreateMultipartUpload');
    assert.equal(routeName('PUT', '/b/k?partNumber=1&uploadId=u'), 'UploadPart');
    assert.equal(
      routeName('PUT', '/b/k?partNumber=1&uploadId=u', { 'x-amz-copy-source': 'b/j' }),
      'UploadPartCopy',
    );
    assert.equal(routeName('POST', '/b/k?uploadId=u'), 'CompleteMultipartUpload');
    assert.equal(routeName('DELETE', '/b/k?uploadId=u'), 'AbortMultipartUpload');
    assert.equal(routeName('GET', '/b/k?uploadId=u'), 'ListParts');
    assert.equal(routeName('GET', '/b/k?acl'), 'GetObjectAcl');
    assert.equal(routeName('GET', '/b/k?attributes'), 'GetObjectAttributes');
    assert.equal(routeName('PUT', '/b/k?acl'), 'PutObjectAcl');
  });

  it('answers 405 for ?attributes on any method or target but GET of an object, never the plain operation', () => {
    assert.equal(routeName('PUT', '/b/k?attributes'), '405 MethodNotAllowed');
    assert.equal(routeName('HEAD', '/b/k?attributes'), '405 MethodNotAllowed');
    assert.equal(routeName('DELETE', '/b/k?attributes'), '405 MethodNotAllowed');
    assert.equal(routeName('GET', '/b?attributes'), '405 MethodNotAllowed');
  });

  it('routes bucket policies, policy status and PublicAccessBlock; other methods and objects are 405', () => {
    assert.equal(routeName('PUT', '/b?policy'), 'PutBucketPolicy');
    assert.equal(routeName('GET', '/b?policy'), 'GetBucketPolicy');
    assert.equal(routeName('DELETE', '/b?policy'), 'DeleteBucketPolicy');
    assert.equal(routeName('GET', '/b?policyStatus'), 'GetBucketPolicyStatus');
    assert.equal(routeName('PUT', '/b?publicAccessBlock'), 'PutPublicAccessBlock');
    assert.equal(routeName('GET', '/b?publicAccessBlock'), 'GetPublicAccessBlock');
    assert.equal(routeName('DELETE', '/b?publicAccessBlock'), 'DeletePublicAccessBlock');
    assert.equal(routeName('GET', '/b?ownershipControls'), 'GetBucketOwnershipControls');
    assert.equal(routeName('PUT', '/b?ownershipControls'), '501 NotImplemented');
    assert.equal(routeName('POST', '/b?policy'), '405 MethodNotAllowed');
    assert.equal(routeName('PUT', '/b?policyStatus'), '405 MethodNotAllowed');
    assert.equal(routeName('PUT', '/b/k?policy'), '405 MethodNotAllowed');
    assert.equal(routeName('GET', '/b/k?publicAccessBlock'), '405 MethodNotAllowed');
  });

  it('ignores query parameters that are not subresources', () => {
    assert.equal(routeName('GET', '/b/k?response-content-type=text/plain&x-id=GetObject'), 'GetObject');
    assert.equal(routeName('PUT', '/b/k?x-id=PutObject'), 'PutObject');
  });

  it('answers 501 for features that are not implemented, never the plain operation', () => {
    assert.equal(routeName('PUT', '/b/k?tagging'), '501 NotImplemented');
    assert.equal(routeName('GET', '/b/k?tagging'), '501 NotImplemented');
    assert.equal(routeName('DELETE', '/b/k?acl'), '501 NotImplemented');
    assert.equal(routeName('PUT', '/b?versioning'), '501 NotImplemented');
    assert.equal(routeName('GET', '/b?versions'), '501 NotImplemented');
    assert.equal(routeName('PUT', '/b?website'), '501 NotImplemented');
    assert.equal(routeName('GET', '/b?lifecycle'), '501 NotImplemented');
    assert.equal(routeName('POST', '/b/k?select&select-type=2'), '501 NotImplemented');
    assert.equal(routeName('POST', '/b/k?restore'), '501 NotImplemented');
    assert.equal(routeName('PUT', '/b?cors'), '501 NotImplemented');
  });

  it('routes a version id to the operations on one version, and answers NoSuchVersion on the others', () => {
    assert.equal(routeName('GET', '/b/k?versionId=null'), 'GetObject');
    assert.equal(routeName('GET', '/b/k?versionId=abc'), 'GetObject');
    assert.equal(routeName('HEAD', '/b/k?versionId=abc'), 'HeadObject');
    assert.equal(routeName('DELETE', '/b/k?versionId=abc'), 'DeleteObject');
    assert.equal(routeName('PUT', '/b/k?versionId=abc'), '404 NoSuchVersion');
    assert.equal(routeName('PUT', '/b/k?versionId=null'), 'PutObject');
  });

  it('answers 405 for methods with no operation', () => {
    assert.equal(routeName('PUT', '/'), '405 MethodNotAllowed');
    assert.equal(routeName('PATCH', '/b/k'), '405 MethodNotAllowed');
    assert.equal(routeName('POST', '/b/k'), '405 MethodNotAllowed');
  });
});
