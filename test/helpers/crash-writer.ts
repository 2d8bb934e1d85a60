/**
 * Child process for the crash test: writes objects of mixed sizes as fast as it can until it is
 * killed, logging (durably) `begin KEY SIZE N` before each put and `ack KEY SIZE N` once it
 * resolved. Each key has one writer (worker w owns keys k{w}, k{w+8}, …), so a key's puts are
 * sequential and the log's order is their order; N is unique across rounds and seeds the content.
 */
import { open } from 'node:fs/promises';
import { openObjectLayer } from '../../src/object/erasure-object-layer.js';
import { bodyOf, pattern } from './object-layer-support.js';

const WORKERS = 8;
const KEYS_PER_WORKER = 5;

const [round, log, ...drives] = process.argv.slice(2);
const ol = await openObjectLayer({ drives });
await ol.makeBucket('b').catch(() => {});
const fh = await open(log as string, 'a');
const sizes = [0, 100, 4096, 200 * 1024, 1024 * 1024 + 5, 3 * 1024 * 1024];
let next = Number(round) * 1_000_000;
const note = async (line: string) => {
  await fh.write(`${line}\n`);
  await fh.datasync();
};
process.send?.('ready');
await Promise.all(
  Array.from({ length: WORKERS }, async (_, w) => {
    for (let j = 0; ; j++) {
      const n = next++;
      const size = sizes[n % sizes.length] as number;
      const key = `k${w + WORKERS * (j % KEYS_PER_WORKER)}`;
      await note(`begin ${key} ${size} ${n}`);
      await ol.putObject('b', key, bodyOf(pattern(size, n)), { size, metadata: {} });
      await note(`ack ${key} ${size} ${n}`);
    }
  }),
);
