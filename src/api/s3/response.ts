import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { S3Context } from './context.js';
import type { S3Error } from './errors.js';
import { el, type XmlElement, xmlDocument } from './xml.js';

export const SERVER_NAME = 'Cairn';

/** A 16-hex-digit id, unique enough per process lifetime, in the shape MinIO and AWS use. */
export function newRequestId(): string {
  const id = Buffer.allocUnsafe(8);
  id.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  randomBytes(4).copy(id, 4);
  return id.toString('hex').toUpperCase();
}

export function hostIdFor(requestId: string): string {
  return createHash('sha256').update(requestId).digest('base64');
}

/** Headers every response carries, success or failure. */
export function setCommonHeaders(res: ServerResponse, requestId: string): void {
  res.setHeader('x-amz-request-id', requestId);
  res.setHeader('x-amz-id-2', hostIdFor(requestId));
  res.setHeader('Server', SERVER_NAME);
}

export function sendXml(
  ctx: S3Context,
  status: number,
  xml: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(xml, 'utf8');
  const { res } = ctx;
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/xml');
  res.setHeader('Content-Length', body.length);
  res.end(ctx.method === 'HEAD' ? undefined : body);
}

/** A response with no body (204, or 200 for HEAD). */
export function sendEmpty(ctx: S3Context, status: number, headers: Record<string, string> = {}): void {
  const { res } = ctx;
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (status !== 204 && status !== 304) res.setHeader('Content-Length', 0);
  res.end();
}

/** The S3 XML error document for `err`. */
export function errorXml(err: S3Error, resource: string, requestId: string): string {
  const children: XmlElement[] = [el('Code', err.code), el('Message', err.message)];
  for (const [name, value] of Object.entries(err.details)) children.push(el(name, value));
  children.push(el('Resource', resource), el('RequestId', requestId), el('HostId', hostIdFor(requestId)));
  return xmlDocument('Error', children, null);
}

/**
 * Writes `err` as the response. HEAD answers carry status and headers only; 304 never has a body.
 * Callers make sure headers have not been sent yet.
 */
export function writeError(
  res: ServerResponse,
  method: string,
  err: S3Error,
  resource: string,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  res.statusCode = err.status;
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  if (method === 'HEAD' || err.status === 304) {
    res.end();
    return;
  }
  const body = Buffer.from(errorXml(err, resource, requestId), 'utf8');
  res.setHeader('Content-Type', 'application/xml');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
