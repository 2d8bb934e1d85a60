/**
 * The SigV4 credential (`AKID/YYYYMMDD/region/s3/aws4_request`) shared by header and query
 * authentication. The service is `s3`, except for STS requests served on the same endpoint.
 */
import { S3Error, type S3ErrorCode } from '../errors.js';

export interface Credential {
  accessKey: string;
  day: string;
  region: string;
  service: string;
  /** `day/region/service/aws4_request`, as it appears in the string to sign. */
  scope: string;
}

/**
 * `code` and `prefix` follow AWS: header authentication answers AuthorizationHeaderMalformed
 * ("The authorization header is malformed; …"), query authentication answers
 * AuthorizationQueryParametersError ("Error parsing the X-Amz-Credential parameter; …").
 */
export function parseCredential(
  value: string,
  code: S3ErrorCode,
  prefix: string,
  expectedService: 's3' | 'sts' = 's3',
): Credential {
  const parts = value.split('/');
  const malformed = () =>
    new S3Error(
      code,
      `${prefix}; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  if (parts.length < 5) throw malformed();
  const [day, region, service, terminal] = parts.slice(-4) as [string, string, string, string];
  const accessKey = parts.slice(0, -4).join('/');
  if (accessKey === '' || region === '' || !/^\d{8}$/.test(day)) throw malformed();
  if (service !== expectedService) {
    throw new S3Error(
      code,
      `${prefix}; incorrect service "${service}". This endpoint belongs to "${expectedService}".`,
    );
  }
  if (terminal !== 'aws4_request') {
    throw new S3Error(
      code,
      `${prefix}; incorrect terminal "${terminal}". This endpoint uses "aws4_request".`,
    );
  }
  return { accessKey, day, region, service, scope: `${day}/${region}/${service}/${terminal}` };
}
