// The GET ceiling: a bare node:http server that drops uploads and answers GET from memory.
// Run as a child process by the bench: node memory-server.js --port N
import type { IncomingMessage } from 'node:http';
import { createMinimalS3Server, listenFromArgs } from './minimal-s3.js';

function drain(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('end', () => resolve('00000000000000000000000000000000'));
    req.resume();
  });
}

listenFromArgs(
  createMinimalS3Server((req) => drain(req)),
  process.argv,
);
