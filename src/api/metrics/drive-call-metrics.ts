/**
 * Each drive's calls, their time and errors (node path), from the object layer's in-memory counts
 * (ObjectLayer.driveStats, not cached: they cost nothing to read). MinIO's names and their
 * relations (cmd/metrics-v2.go, cmd/xl-storage-disk-id-check.go): availability errors are the
 * timeouts plus the I/O errors. Calls and their time, per drive and API (`api="storage.<Api>"`),
 * are counters of our own: Prometheus rates them into a latency (MinIO's `minio_node_drive_latency_us`
 * is not exported: its abbreviated unit fails `promtool check metrics`).
 */
import type { DriveCallStats } from '../../object/layer-status.js';
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
