// The durable-PUT ceiling: a bare node:http server that computes each upload's MD5 and writes it to
// one preallocated file, answering only after fdatasync. GETs are answered from memory.
// Run as a child process by the bench: node fsync-server.js --port N --dir DIR
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { createMinimalS3Server, listenFromArgs } from './minimal-s3.js';

/** Writes wrap around after this many bytes so a long run does not fill the disk. */
const FILE_CAP = 4 * 1024 ** 3;

const dirIndex = process.argv.indexOf('--dir');
const dir = process.argv[dirIndex + 1];
if (dirIndex < 0 || dir === undefined) throw new Error('usage: fsync-server --port N --dir DIR');
const file = await open(join(dir, 'uploads.bin'), 'w+');
let nextOffset = 0;

async function persist(req: IncomingMessage, length: number): Promise<string> {
  // Reserve the whole body's range up front; concurrent uploads write disjoint ranges.
  if (nextOffset + length > FILE_CAP) nextOffset = 0;
  let position = nextOffset;
  nextOffset += length;
  const md5 = createHash('md5');
  // Async iteration pauses the socket while each write is in flight: backpressure to the client.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    md5.update(chunk);
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await file.write(chunk, done, chunk.length - done, position);
      done += bytesWritten;
      position += bytesWritten;
    }
  }
  await file.datasync();
  return md5.digest('hex');
}

listenFromArgs(createMinimalS3Server(persist), process.argv);
