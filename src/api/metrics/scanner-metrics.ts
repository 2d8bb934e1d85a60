/**
 * The scanner's families (cluster path): what it has visited and verified, what it found, and how
 * long ago it last worked, from the object layer's scan status (in memory). MinIO's names where it
 * has them (`minio_node_scanner_objects_scanned`, `minio_usage_last_activity_nano_seconds`).
 */
import type { ScanFindings, ScanStatus } from '../../object/layer-status.js';
import { family, type Sample, type ScrapedFamily, single } from './metric-family.js';

const FINDING_KINDS: readonly (keyof ScanFindings)[] = ['stale', 'missing', 'corrupt', 'dangling'];

function endedAt(status: ScanStatus, deep: boolean): Sample[] {
  const ended = (deep ? status.lastDeepPass : status.lastPass)?.ended;
  return ended === undefined ? [] : single(ended.getTime() / 1000);
}

export function scannerFamilies(status: () => ScanStatus): ScrapedFamily[] {
  return [
    family(
      'minio_node_scanner_objects_scanned',
      'untyped',
      'Objects visited by the scanner and heal runs since start (a counter)',
      () => single(status().totals.objects),
    ),
    family(
      'cairn_scanner_scanned_bytes_total',
      'counter',
      'Bytes of the object versions the scanner visited since start',
      () => single(status().totals.bytes),
    ),
    family(
      'cairn_scanner_verified_shard_bytes_total',
      'counter',
      'Bytes of shards read from drives and verified against their bitrot hashes (scrubbed) since start',
      () => single(status().totals.shardBytes),
    ),
    family(
      'cairn_scanner_findings_total',
      'counter',
      'Damage the scanner found since start, by kind (stale, missing, corrupt, dangling), once per drive',
      () => {
        const findings = status().totals.findings;
        return FINDING_KINDS.map((kind) => ({ value: findings[kind], labels: { kind } }));
      },
    ),
    family(
      'cairn_scanner_passes_total',
      'counter',
      'Full scanner passes over every bucket ended since start',
      () => single(status().passes),
    ),
    family(
      'cairn_scanner_pass_active',
      'gauge',
      '1 while a scanner pass runs (2 while it scrubs), else 0',
      () => {
        const current = status().current;
        return single(current === undefined ? 0 : current.deep ? 2 : 1);
      },
    ),
    family(
      'cairn_scanner_pass_objects',
      'gauge',
      'Objects visited so far by the pass in progress (its progress)',
      () => single(status().current?.objects ?? 0),
    ),
    family(
      'cairn_scanner_last_pass_end_timestamp_seconds',
      'gauge',
      'When the last full scanner pass ended (Unix time); absent until one has',
      () => endedAt(status(), false),
    ),
    family(
      'cairn_scanner_last_scrub_end_timestamp_seconds',
      'gauge',
      'When the last full scrubbing (deep) pass ended (Unix time); absent until one has',
      () => endedAt(status(), true),
    ),
    family(
      'minio_usage_last_activity_nano_seconds',
      'gauge',
      'Time since the scanner last worked, in nanoseconds: 0 while a pass runs; absent before the first pass ends',
      () => {
        const s = status();
        if (s.current !== undefined) return single(0);
        const ended = s.lastPass?.ended;
        return ended === undefined ? [] : single((Date.now() - ended.getTime()) * 1e6);
      },
    ),
  ];
}
