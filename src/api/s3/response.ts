import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { S3Context } from './context.js';
import type { S3Error } from './errors.js';
import { el, type XmlElement, xmlDocument } from './xml.js';

export const SERVER_NAME = 'Cairn';

/**
 * The x-amz-id-2 / HostId of this server process. Like MinIO (a hash of its node name), it names
 * the host that answered, not the request, so it is computed once.
 */
const HOST_ID = createHash('sha256').update(`cairn-host:${hostname()}:${process.pid}`).digest('base64');

/** Headers every response carries, success or failure. */
export function setCommonHeaders(res: ServerResponse, requestId: string): void {
  res.setHeader('x-amz-request-id', requestId);
  res.setHeader('x-amz-id-2', HOST_ID);
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
  children.push(el('Resource', resource), el('RequestId', requestId), el('HostId', HOST_ID));
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
