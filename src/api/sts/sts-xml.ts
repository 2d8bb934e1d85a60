/** The XML documents STS answers with (AWS Query protocol, STS namespace). */
import type { IssuedCredentials } from '../../iam/sts/temporary-credentials.js';
import { el, xmlDocument } from '../s3/xml.js';
import type { StsError } from './sts-errors.js';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** AWS reports Expiration as ISO 8601 in UTC, to the second. */
function iso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function assumeRoleResponseXml(credentials: IssuedCredentials, requestId: string): string {
  return xmlDocument(
    'AssumeRoleResponse',
    [
      el('AssumeRoleResult', [
        el('Credentials', [
          el('AccessKeyId', credentials.accessKey),
          el('SecretAccessKey', credentials.secretKey),
          el('SessionToken', credentials.sessionToken),
          el('Expiration', iso8601(credentials.expiration)),
        ]),
      ]),
      el('ResponseMetadata', [el('RequestId', requestId)]),
    ],
    STS_XMLNS,
  );
}

export function stsErrorXml(err: StsError, requestId: string): string {
  return xmlDocument(
    'ErrorResponse',
    [
      el('Error', [el('Type', err.type), el('Code', err.code), el('Message', err.message)]),
      el('RequestId', requestId),
    ],
    STS_XMLNS,
  );
}
