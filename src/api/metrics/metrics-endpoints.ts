/**
 * The four metric paths MinIO serves (v2), each a prom-client Registry, and what Cairn reports on
 * each. Other parts of the server add their own families with `add` (the scanner, limits, the
 * audit queue), so nothing here needs to know them.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ObjectLayer } from '../../object/object-layer.js';
import { driveCallFamilies } from './drive-call-metrics.js';
import { family, register, type ScrapedFamily } from './metric-family.js';
import { processFamilies, resourceFamilies } from './process-metrics.js';
import { bucketRequestFamilies, s3RequestFamilies } from './request-metrics.js';
import type { RequestStats } from './request-stats.js';
import { scannerFamilies } from './scanner-metrics.js';
import {
  bucketUsageFamilies,
  clusterStorageFamilies,
  clusterUsageFamilies,
  driveCapacityFamilies,
  healFamilies,
  nodeDriveFamilies,
} from './storage-metrics.js';
import { StorageSampler } from './storage-sampler.js';

export type MetricsPath = 'cluster' | 'node' | 'bucket' | 'resource';

export const METRICS_PATHS: readonly MetricsPath[] = ['cluster', 'node', 'bucket', 'resource'];

export interface MetricsSources {
  stats: RequestStats;
  objects: ObjectLayer;
  version: string;
  /** How long storage and usage readings are reused between scrapes (default 10 s). */
  storageTtlMs?: number;
}

export class MetricsEndpoints {
  private readonly registries = new Map<MetricsPath, Registry>();
  private readonly sampler: StorageSampler;
  private readonly stats: RequestStats;
  private nodeDefaults = false;

  constructor(sources: MetricsSources) {
    for (const path of METRICS_PATHS) this.registries.set(path, new Registry());
    this.stats = sources.stats;
    this.sampler = new StorageSampler(sources.objects, sources.storageTtlMs);
    const s3 = s3RequestFamilies(sources.stats);
    const proc = processFamilies();
    const version = family(
      'minio_software_version_info',
      'gauge',
      'The server software and its version (always 1)',
      () => [{ value: 1, labels: { version: sources.version } }],
    );
    const objects = sources.objects;
    this.add(['cluster', 'node'], ...s3, ...proc, version);
    this.add(
      ['cluster'],
      ...clusterStorageFamilies(this.sampler),
      ...clusterUsageFamilies(this.sampler),
      ...healFamilies(() => objects.healStatus()),
      ...scannerFamilies(() => objects.scanStatus()),
    );
    const capacity = driveCapacityFamilies(this.sampler);
    this.add(
      ['node'],
      ...capacity,
      ...nodeDriveFamilies(this.sampler),
      ...driveCallFamilies(() => objects.driveStats()),
    );
    this.add(['resource'], ...capacity, ...resourceFamilies());
    const reportedBuckets = async () => {
      const usage = await this.sampler.usage();
      // Buckets deleted since they were counted are forgotten, and their series end.
      this.stats.keepBuckets(usage.all);
      return usage.reported.map((b) => b.name);
    };
    this.add(
      ['bucket'],
      ...bucketUsageFamilies(this.sampler),
      ...bucketRequestFamilies(sources.stats, reportedBuckets),
    );
  }

  /** Reports `families` on each of `paths`. */
  add(paths: readonly MetricsPath[], ...families: ScrapedFamily[]): void {
    for (const path of paths) register(this.registry(path), ...families);
  }

  private registry(path: MetricsPath): Registry {
    return this.registries.get(path) as Registry;
  }

  /** The exposition text of `path`, every sample labelled `server` (the node's host:port, as MinIO labels). */
  async render(path: MetricsPath, server: string): Promise<string> {
    const registry = this.registry(path);
    if (path === 'node' && !this.nodeDefaults) {
      // Node's own runtime metrics (process_*, nodejs_*: event-loop lag, heap, GC), as MinIO's
      // node path carries Go's. Started on the first scrape: nothing runs until someone looks.
      collectDefaultMetrics({ register: registry });
      // Gauges prom-client names `_total` (Prometheus keeps that suffix for counters); the same
      // counts are there without it, by resource type (nodejs_active_handles, …).
      for (const name of [
        'nodejs_active_handles_total',
        'nodejs_active_requests_total',
        'nodejs_active_resources_total',
      ])
        registry.removeSingleMetric(name);
      this.nodeDefaults = true;
    }
    registry.setDefaultLabels({ server });
    return registry.metrics();
  }

  get contentType(): string {
    return Registry.PROMETHEUS_CONTENT_TYPE;
  }
}
