import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';

export const ALL_TARGETS = ['cairn-1', 'cairn-4', 's3rver', 'baseline-mem', 'baseline-fsync'] as const;
export const ALL_OPS = ['put', 'get', 'head', 'list', 'delete', 'mixed'] as const;
export const ALL_STEPS = [
  'check',
  'workloads',
  'authz',
  'large',
  'memory',
  'cores',
  'micro',
  'ship',
  'scanner',
  'bandwidth',
] as const;
export type OpName = (typeof ALL_OPS)[number];
export type StepName = (typeof ALL_STEPS)[number];

const KiB = 1024;
const MiB = 1024 * KiB;
export const DEFAULT_SIZES = [4 * KiB, 64 * KiB, MiB, 16 * MiB, 256 * MiB];
/** Objects this big and larger are PUT as multipart uploads. */
export const MULTIPART_THRESHOLD = 256 * MiB;
export const PART_SIZE = 16 * MiB;
/** The concurrency of the 4 KiB PUT and GET targets, and the default up to 64 KiB. */
export const SMALL_OBJECT_CONCURRENCY = 32;

export interface BenchOptions {
  /** Target names from ALL_TARGETS, or 'external' for an endpoint given on the command line. */
  targets: string[];
  endpoint: string | undefined;
  /** The external endpoint's server process, to report its RSS and CPU. */
  serverPid: number | undefined;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  ops: OpName[];
  sizes: number[];
  steps: StepName[];
  durationMs: number;
  /** Overrides the per-size default concurrency when set. */
  concurrency: number | undefined;
  mixedSize: number;
  largeCount: number;
  largeMaxSeconds: number;
  largeTargets: string[];
  memoryUploads: number;
  memoryTargets: string[];
  coresTargets: string[];
  microSeconds: number;
  /** The bandwidth step's limit (bytes per second each way) and seconds per transfer. */
  bandwidthLimit: number;
  bandwidthSeconds: number;
  shm: boolean;
  dataDir: string;
  out: string | undefined;
  timeoutMs: number;
  quick: boolean;
}

export const USAGE = `Usage: npm run bench -- [flags]      (spawns the targets itself)
       cairn bench ENDPOINT [flags]      (drives a running S3 endpoint)

  --quick                 short smoke run: 1 s workloads, sizes 4KiB,1MiB, a 20,000-object large
                          bucket, no memory step (multipart is still exercised by the check)
  --targets LIST          ${ALL_TARGETS.join(',')} (default: all)
  --ops LIST              ${ALL_OPS.join(',')} (default: all; put of 256MiB is multipart)
  --sizes LIST            e.g. 4KiB,1MiB (default: 4KiB,64KiB,1MiB,16MiB,256MiB)
  --steps LIST            ${ALL_STEPS.join(',')} (default: all; --quick drops memory)
                          authz: 4KiB PUT/GET as root and as an IAM user with a 20-statement
                          policy, alternating rounds on cairn-1, printed as user/root
  --duration SECONDS      per workload (default 3, --quick 1)
  --concurrency N         1-64, for every workload (default: 32 up to 64KiB, the issue's small-object
                          targets; 8 at 1MiB, 4 at 16MiB, 2 at 256MiB, 4 for LIST)
  --mixed-size SIZE       object size of the mixed workload (default 64KiB)
  --large-count N         objects in the large-bucket test (default 1000000, --quick 20000)
  --large-max-seconds S   stop creating large-bucket objects after S seconds (default 120)
  --large-targets LIST    targets that run the large-bucket test (default cairn-1)
  --memory-uploads N      concurrent 256MiB uploads in the memory test (default 64)
  --memory-targets LIST   (default cairn-1)
  --cores-targets LIST    targets restarted on /dev/shm for the cores test (default cairn-1,cairn-4)
  --bandwidth-limit SIZE  the bandwidth step's CAIRN_BANDWIDTH_IN/OUT (default 8MiB, per second)
  --bandwidth-seconds S   length of each of its four transfers (default 5, --quick 2)
  --shm                   put every target's data dir (Cairn's drives) on /dev/shm
  --data-dir DIR          where temporary data dirs go (default ${tmpdir()}; use a real disk)
  --out FILE              JSON results file (default bench/results/<time>.json)
  --access-key/--secret-key/--region   credentials for ENDPOINT (default env AWS_ACCESS_KEY_ID,
                          AWS_SECRET_ACCESS_KEY, or CAIRN_ROOT_USER, CAIRN_ROOT_PASSWORD)
  --bucket NAME           bucket to use (default cairn-bench; created if missing)
  --server-pid PID        with ENDPOINT: the server's process id, to report its RSS and CPU
  --timeout SECONDS       per-request timeout (default 120)
`;

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|K|M|G)?$/i.exec(text.trim());
  if (m === null) throw new Error(`bad size: ${text}`);
  const unit = (m[2] ?? 'B').toUpperCase()[0];
  const mult = unit === 'K' ? KiB : unit === 'M' ? MiB : unit === 'G' ? 1024 * MiB : 1;
  return Math.round(Number(m[1]) * mult);
}

function list<T extends string>(value: string | undefined, allowed: readonly T[] | undefined, def: T[]): T[] {
  if (value === undefined) return def;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (allowed !== undefined) {
    for (const item of items) {
      if (!allowed.includes(item as T))
        throw new Error(`unknown value ${item}; expected one of ${allowed.join(',')}`);
    }
  }
  return items as T[];
}

function num(value: string | undefined, def: number, name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined) return def;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number in ${min}..${max}`);
  return n;
}

/** Parses flags; throws with a message for the user on bad input. Returns undefined for --help. */
export function parseOptions(argv: string[], env = process.env): BenchOptions | undefined {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      shm: { type: 'boolean' },
      targets: { type: 'string' },
      ops: { type: 'string' },
      sizes: { type: 'string' },
      steps: { type: 'string' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      'mixed-size': { type: 'string' },
      'large-count': { type: 'string' },
      'large-max-seconds': { type: 'string' },
      'large-targets': { type: 'string' },
      'memory-uploads': { type: 'string' },
      'memory-targets': { type: 'string' },
      'cores-targets': { type: 'string' },
      'micro-seconds': { type: 'string' },
      'bandwidth-limit': { type: 'string' },
      'bandwidth-seconds': { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      'access-key': { type: 'string' },
      'secret-key': { type: 'string' },
      region: { type: 'string' },
      bucket: { type: 'string' },
      'server-pid': { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  if (v.help === true) return undefined;
  if (positionals.length > 1) throw new Error(`one ENDPOINT at most, got: ${positionals.join(' ')}`);
  const quick = v.quick === true;
  const endpoint = positionals[0];
  const external = endpoint !== undefined;
  const defaultSteps: StepName[] = external
    ? ['check', 'workloads', 'micro']
    : quick
      ? ['check', 'workloads', 'authz', 'large', 'cores', 'micro', 'bandwidth']
      : [...ALL_STEPS];
  return {
    targets: external ? ['external'] : list(v.targets, ALL_TARGETS, [...ALL_TARGETS]),
    endpoint,
    serverPid: v['server-pid'] === undefined ? undefined : num(v['server-pid'], 0, 'server-pid', 1),
    accessKey: v['access-key'] ?? env.AWS_ACCESS_KEY_ID ?? env.CAIRN_ROOT_USER ?? 'cairnbench',
    secretKey: v['secret-key'] ?? env.AWS_SECRET_ACCESS_KEY ?? env.CAIRN_ROOT_PASSWORD ?? 'cairnbench-secret',
    region: v.region ?? env.AWS_REGION ?? 'us-east-1',
    bucket: v.bucket ?? 'cairn-bench',
    ops: list(v.ops, ALL_OPS, [...ALL_OPS]),
    sizes:
      v.sizes === undefined
        ? quick
          ? [4 * KiB, MiB, 256 * MiB]
          : DEFAULT_SIZES
        : list(v.sizes, undefined, []).map(parseSize),
    steps: list(v.steps, ALL_STEPS, defaultSteps),
    durationMs: num(v.duration, quick ? 1 : 3, 'duration', 0.1, 3600) * 1000,
    concurrency: v.concurrency === undefined ? undefined : num(v.concurrency, 1, 'concurrency', 1, 64),
    mixedSize: parseSize(v['mixed-size'] ?? '64KiB'),
    largeCount: num(v['large-count'], quick ? 20_000 : 1_000_000, 'large-count', 1),
    largeMaxSeconds: num(v['large-max-seconds'], 120, 'large-max-seconds', 1),
    largeTargets: external ? ['external'] : list(v['large-targets'], undefined, ['cairn-1']),
    memoryUploads: num(v['memory-uploads'], 64, 'memory-uploads', 1, 64),
    memoryTargets: external ? ['external'] : list(v['memory-targets'], undefined, ['cairn-1']),
    coresTargets: list(v['cores-targets'], undefined, ['cairn-1', 'cairn-4']),
    microSeconds: num(v['micro-seconds'], quick ? 0.3 : 1, 'micro-seconds', 0.05, 60),
    bandwidthLimit: parseSize(v['bandwidth-limit'] ?? '8MiB'),
    bandwidthSeconds: num(v['bandwidth-seconds'], quick ? 2 : 5, 'bandwidth-seconds', 0.5, 600),
    shm: v.shm === true,
    dataDir: v['data-dir'] ?? tmpdir(),
    out: v.out,
    timeoutMs: num(v.timeout, 120, 'timeout', 1) * 1000,
    quick,
  };
}

/**
 * Default concurrency per object size: 32 for small objects, where issue 3 sets its 4 KiB targets;
 * larger objects use fewer streams, chosen for a 2-core machine shared by client and server.
 */
export function concurrencyFor(o: BenchOptions, size: number): number {
  if (o.concurrency !== undefined) return o.concurrency;
  if (size <= 64 * KiB) return SMALL_OBJECT_CONCURRENCY;
  if (size <= MiB) return 8;
  if (size <= 16 * MiB) return 4;
  return 2;
}

export function formatSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB}MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB}KiB`;
  return `${bytes}B`;
}
