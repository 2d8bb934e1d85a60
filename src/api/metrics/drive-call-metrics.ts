/**
 * Each drive's calls, their time and errors (node path), from the object layer's in-memory counts
 * (ObjectLayer.driveStats, not cached: they cost nothing to read). MinIO's names and their
 * relations (cmd/metrics-v2.go, cmd/xl-storage-disk-id-check.go): availability errors are the
 * timeouts plus the I/O errors; `minio_node_drive_latency_us` is an average per drive and API
 * labelled `api="storage.<Api>"`. Counts and seconds summed are exported as counters of our own, so
 * Prometheus can rate them.
 */
import type { DriveCallStats } from '../../object/object-layer.js';
import { family, type Sample, type ScrapedFamily } from './metric-family.js';

type Read = () => DriveCallStats[];

function perDrive(read: Read, pick: (d: DriveCallStats) => number): () => Sample[] {
  return () => read().map((d) => ({ value: pick(d), labels: { drive: d.endpoint } }));
}

function perApi(read: Read, pick: (calls: number, seconds: number) => number): () => Sample[] {
  return () =>
    read().flatMap((d) =>
      d.apis.map((a) => ({
        value: pick(a.calls, a.seconds),
        labels: { drive: d.endpoint, api: `storage.${a.api}` },
      })),
    );
}

/**
 * The average latency of each drive's calls per API since the previous read (the previous scrape
 * of the node path; since start on the first), in µs. An API with no call in that interval has no
 * sample: there is no latency to report.
 */
function averageLatency(read: Read): () => Sample[] {
  const previous = new Map<string, { calls: number; seconds: number }>();
  return () => {
    const samples: Sample[] = [];
    for (const d of read()) {
      for (const a of d.apis) {
        const key = `${d.endpoint}\n${a.api}`;
        const before = previous.get(key);
        previous.set(key, { calls: a.calls, seconds: a.seconds });
        const calls = a.calls - (before?.calls ?? 0);
        if (calls <= 0) continue;
        const seconds = a.seconds - (before?.seconds ?? 0);
        samples.push({
          value: (seconds / calls) * 1e6,
          labels: { drive: d.endpoint, api: `storage.${a.api}` },
        });
      }
    }
    return samples;
  };
}

export function driveCallFamilies(read: Read): ScrapedFamily[] {
  return [
    family(
      'minio_node_drive_errors_timeout',
      'untyped',
      'Total number of drive timeout errors since server start (a counter)',
      perDrive(read, (d) => d.timeouts),
    ),
    family(
      'minio_node_drive_errors_ioerror',
      'untyped',
      'Total number of drive I/O errors since server start, the drive going offline included (a counter)',
      perDrive(read, (d) => d.offline + d.io),
    ),
    family(
      'minio_node_drive_errors_availability',
      'untyped',
      'Total number of drive I/O errors and timeouts since server start (a counter)',
      perDrive(read, (d) => d.timeouts + d.offline + d.io),
    ),
    family(
      'minio_node_drive_latency_us',
      'gauge',
      'Average latency in µs of drive API calls since the previous scrape of this path',
      averageLatency(read),
    ),
    family(
      'cairn_node_drive_requests_total',
      'counter',
      'Drive API calls finished since start',
      perApi(read, (calls) => calls),
    ),
    family(
      'cairn_node_drive_request_seconds_total',
      'counter',
      'Time spent in drive API calls since start, summed, in seconds',
      perApi(read, (_calls, seconds) => seconds),
    ),
  ];
}
