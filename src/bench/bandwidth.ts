import { performance } from 'node:perf_hooks';
import { clientFor, type TargetSession } from './measure.js';
import { payloadSource } from './payload.js';

/** One limited transfer: `streams` concurrent PUTs or GETs moving `bytes` in all. */
export interface BandwidthRow {
  direction: 'in' | 'out';
  streams: number;
  bytes: number;
  seconds: number;
  /** Bytes per second achieved over the limit: 1.0 is exactly the limit. */
  ratio: number;
  errors: number;
}

export interface BandwidthResult {
  target: string;
  /** Bytes per second, the same for CAIRN_BANDWIDTH_IN and CAIRN_BANDWIDTH_OUT. */
  limit: number;
  rows: BandwidthRow[];
}

/** The environment that limits a target to `limit` bytes per second each way. */
export function bandwidthEnv(limit: number): Record<string, string> {
  return { CAIRN_BANDWIDTH_IN: String(limit), CAIRN_BANDWIDTH_OUT: String(limit) };
}

/**
 * Moves `limit * seconds` bytes into and out of a server started with `bandwidthEnv(limit)`, by 1
 * and by 8 concurrent streams (each its own connection), and reports achieved/limit. The time is
 * the wall clock from the first request sent to the last answer received, so it includes request
 * start-up: a server that holds the limit exactly shows a ratio a little under 1.
 */
export async function runBandwidth(
  s: TargetSession,
  limit: number,
  seconds: number,
): Promise<BandwidthResult> {
  const total = Math.round(limit * seconds);
  const rows: BandwidthRow[] = [];
  const source = payloadSource();
  for (const streams of [1, 8]) {
    const each = Math.floor(total / streams);
    const key = (i: number) => `bandwidth/${streams}-${i}`;
    rows.push(
      await transfer(s, 'in', streams, each, limit, (c, i) =>
        c.put(s.bucket, key(i), { source, length: each }),
      ),
    );
    rows.push(await transfer(s, 'out', streams, each, limit, (c, i) => c.get(s.bucket, key(i))));
  }
  return { target: s.target.spec.name, limit, rows };
}

async function transfer(
  s: TargetSession,
  direction: 'in' | 'out',
  streams: number,
  each: number,
  limit: number,
  op: (c: ReturnType<typeof clientFor>, i: number) => Promise<{ bytes: number }>,
): Promise<BandwidthRow> {
  const client = clientFor(s, streams);
  const started = performance.now();
  let errors = 0;
  try {
    await Promise.all(
      Array.from({ length: streams }, (_, i) =>
        op(client, i).catch((err: Error) => {
          errors++;
          s.progress.note(`  bandwidth ${direction} x${streams}: ${err.message}`);
        }),
      ),
    );
  } finally {
    client.close();
  }
  const secondsTaken = (performance.now() - started) / 1000;
  const bytes = each * streams;
  const row: BandwidthRow = {
    direction,
    streams,
    bytes,
    seconds: secondsTaken,
    ratio: bytes / secondsTaken / limit,
    errors,
  };
  s.progress.note(
    `  bandwidth ${direction === 'in' ? 'PUT' : 'GET'} x${streams}: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${secondsTaken.toFixed(2)} s = ${row.ratio.toFixed(3)} of the limit`,
  );
  return row;
}
