/**
 * A metric family whose samples are read when metrics are scraped, from counters and state kept
 * elsewhere (request counters, storage, the process), registered in a prom-client Registry, which
 * formats it with the rest. prom-client's own metric classes keep their values themselves and
 * can only add to them; these families report values another part keeps, and they may be
 * `untyped` (see docs/metrics.md: MinIO names that break Prometheus's suffix rules keep their
 * name for MinIO's dashboards, and claim no type their name contradicts).
 */
import type { Gauge, Registry } from 'prom-client';

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'untyped';

export type Labels = Record<string, string>;

export interface Sample {
  value: number;
  labels: Labels;
  /** For histograms: the `_bucket`, `_sum` or `_count` series' full name. */
  metricName?: string;
}

export interface FamilySpec {
  name: string;
  help: string;
  type: FamilyType;
  /** The samples now; an empty list leaves only the HELP and TYPE lines. */
  read: () => Sample[] | Promise<Sample[]>;
}

/** The shape prom-client's Registry formats: what its `metrics()` reads from every metric. */
export class ScrapedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: FamilyType;
  readonly aggregator = 'sum';
  private readonly read: FamilySpec['read'];

  constructor(spec: FamilySpec) {
    this.name = spec.name;
    this.help = spec.help;
    this.type = spec.type;
    this.read = spec.read;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: FamilyType;
    aggregator: string;
    values: Sample[];
  }> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: await this.read(),
    };
  }

  /** Nothing to reset: the values live where they are counted. */
  reset(): void {}
}

/**
 * Adds `family` to `registry`. prom-client's Registry formats any object with `name`, `get()`
 * and `reset()`; its typings name only its own classes, hence the cast here and nowhere else.
 */
export function register(registry: Registry, ...families: ScrapedFamily[]): void {
  for (const family of families) registry.registerMetric(family as unknown as Gauge);
}

export function family(
  name: string,
  type: FamilyType,
  help: string,
  read: FamilySpec['read'],
): ScrapedFamily {
  return new ScrapedFamily({ name, type, help, read });
}

/** One unlabelled sample. */
export function single(value: number): Sample[] {
  return [{ value, labels: {} }];
}
