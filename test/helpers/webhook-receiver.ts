/**
 * A webhook receiver, run as its own process (`node webhook-receiver.js PORT FILE TOKEN`): every
 * POST whose Authorization header equals TOKEN is answered 200 and its body's JSON lines appended
 * to FILE (with the request's headers on the line as `_headers`); any other request is answered
 * 403. Prints `ready` once listening. What an operator points MinIO's audit webhook at.
 */
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file, token] = process.argv.slice(2);
if (port === undefined || file === undefined || token === undefined) {
  process.stderr.write('usage: webhook-receiver PORT FILE TOKEN\n');
  process.exit(2);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.headers.authorization !== token) {
      res.writeHead(403).end();
      return;
    }
    const lines = Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const headers = {
      'content-type': req.headers['content-type'],
      'x-minio-webhook-payload-count': req.headers['x-minio-webhook-payload-count'],
    };
    appendFileSync(
      file,
      lines.map((l) => `${JSON.stringify({ ...(JSON.parse(l) as object), _headers: headers })}\n`).join(''),
    );
    res.writeHead(200).end();
  });
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
