import { request } from 'node:http';
import type { S3Client } from './client/http.js';
import { canonicalQuery, payloadSha256, SigV4Signer } from './client/sigv4.js';
import type { Operation } from './driver.js';
import { measure, type TargetSession, type WorkloadResult } from './measure.js';
import { type BenchOptions, formatSize, SMALL_OBJECT_CONCURRENCY } from './options.js';
import { payloadSource } from './payload.js';
import { ensureObjects, type KeyPool } from './workloads.js';

/** Issue 11's speed rule: 4 KiB GET and PUT as a non-root user whose policy has 20 statements. */
export const AUTHZ_SIZE = 4 * 1024;
const STATEMENTS = 20;
const USER = 'bench-user';
const POLICY = 'bench-20-statements';

/** One operation measured as root and as the user, round after round on the same server. */
export interface AuthzResult {
  target: string;
  op: 'put' | 'get';
  size: number;
  concurrency: number;
  statements: number;
  /** op/s of each round, in the order they ran. */
  rootOpsPerSec: number[];
  userOpsPerSec: number[];
  errors: number;
  /** Median user op/s over median root op/s. */
  userOverRoot: number;
  /** Root's own run-to-run spread: (max - min) / median of its rounds. */
  rootSpread: number;
  /** Whether the user's median lies inside root's range of rounds (or above it). */
  withinRootSpread: boolean;
}

/**
 * A 20-statement identity policy whose only matching statement is the last: the evaluator walks
 * nineteen statements that name other buckets (with conditions, wildcards and a Deny) first.
 */
export function twentyStatementDocument(bucket: string): Record<string, unknown> {
  const statements: object[] = [
    {
      Sid: 'DenyDeleteArchive',
      Effect: 'Deny',
      Action: ['s3:DeleteObject*'],
      Resource: 'arn:aws:s3:::archive/*',
    },
    {
      Sid: 'HomeByUsername',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: 'arn:aws:s3:::home/${aws:username}/*',
    },
  ];
  for (let i = 0; statements.length < STATEMENTS - 1; i++) {
    statements.push({
      Sid: `Team${i}`,
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:List*'],
      Resource: [`arn:aws:s3:::team-${i}`, `arn:aws:s3:::team-${i}/*`],
      Condition: { StringLike: { 'aws:UserAgent': ['*'] } },
    });
  }
  statements.push({
    Sid: 'BenchBucket',
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: `arn:aws:s3:::${bucket}/*`,
  });
  return { Version: '2012-10-17', Statement: statements };
}

/** One root-signed admin API call (madmin paths; the body's SHA-256 is signed, as the API asks). */
async function adminCall(
  s: TargetSession,
  method: string,
  path: string,
  query: Record<string, string>,
  body: unknown,
): Promise<void> {
  const url = new URL(s.target.endpoint);
  const text = JSON.stringify(body);
  const fullPath = `/minio/admin/v3/${path}`;
  const qs = canonicalQuery(query);
  const signer = new SigV4Signer({
    accessKey: s.target.accessKey,
    secretKey: s.target.secretKey,
    region: s.region,
  });
  const signed = signer.sign(method, url.host, fullPath, qs, payloadSha256(text));
  await new Promise<void>((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname,
        port: Number(url.port || 80),
        method,
        path: qs === '' ? fullPath : `${fullPath}?${qs}`,
        headers: { ...signed, host: url.host, 'content-length': Buffer.byteLength(text) },
        agent: false,
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          answer += d;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`admin ${path} answered ${status}: ${answer.slice(0, 200)}`));
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** Makes the user and attaches the 20-statement policy; returns the session that signs as the user. */
async function userSession(s: TargetSession): Promise<TargetSession> {
  const secretKey = `${s.target.secretKey}-user`;
  await adminCall(s, 'PUT', 'add-user', { accessKey: USER }, { secretKey, status: 'enabled' });
  await adminCall(s, 'PUT', 'add-canned-policy', { name: POLICY }, twentyStatementDocument(s.bucket));
  await adminCall(s, 'POST', 'idp/builtin/policy/attach', {}, { policies: [POLICY], user: USER });
  return {
    ...s,
    target: {
      ...s.target,
      accessKey: USER,
      secretKey,
      spec: { ...s.target.spec, name: `${s.target.spec.name} as user` },
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * 4 KiB PUT and GET as root and as an IAM user with a 20-statement policy, on one server, in
 * alternating rounds (root first in one round, the user first in the next), so drift of the machine
 * over the run falls on both alike; root's rounds give the run-to-run spread the user is judged by.
 */
export async function runAuthz(s: TargetSession, o: BenchOptions, pool: KeyPool): Promise<AuthzResult[]> {
  const user = await userSession(s);
  const rounds = o.quick ? 3 : 5;
  const concurrency = o.concurrency ?? SMALL_OBJECT_CONCURRENCY;
  const d = { concurrency, durationMs: o.durationMs };
  const keys = pool.keys(AUTHZ_SIZE);
  await ensureObjects(s, pool, AUTHZ_SIZE, 200);
  const source = payloadSource();
  const makeOp =
    (op: 'put' | 'get') =>
    (c: S3Client): Operation =>
      op === 'put'
        ? async () => {
            const key = pool.newKey(AUTHZ_SIZE);
            await c.put(s.bucket, key, { source, length: AUTHZ_SIZE });
            keys.push(key);
            return AUTHZ_SIZE;
          }
        : async (_w, seq) => (await c.get(s.bucket, keys[seq % keys.length]!)).bytes;
  const results: AuthzResult[] = [];
  for (const op of ['put', 'get'] as const) {
    const root: WorkloadResult[] = [];
    const asUser: WorkloadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [s, user] : [user, s];
      for (const who of order) {
        const r = await measure(who, { op: `${op} (authz)`, size: AUTHZ_SIZE }, d, makeOp(op));
        (who === s ? root : asUser).push(r);
      }
    }
    const rootOps = root.map((r) => r.opsPerSec);
    const userOps = asUser.map((r) => r.opsPerSec);
    const rootMedian = median(rootOps);
    const userMedian = median(userOps);
    results.push({
      target: s.target.spec.name,
      op,
      size: AUTHZ_SIZE,
      concurrency,
      statements: STATEMENTS,
      rootOpsPerSec: rootOps,
      userOpsPerSec: userOps,
      errors: [...root, ...asUser].reduce((n, r) => n + r.errors, 0),
      userOverRoot: userMedian / rootMedian,
      rootSpread: (Math.max(...rootOps) - Math.min(...rootOps)) / rootMedian,
      withinRootSpread: userMedian >= Math.min(...rootOps),
    });
  }
  return results;
}

/** The report's section: one row per operation. */
export function authzRows(results: AuthzResult[]): string[][] {
  return results.map((a) => [
    `${a.op} ${formatSize(a.size)}`,
    a.target,
    String(a.concurrency),
    a.rootOpsPerSec.map((v) => v.toFixed(0)).join(' '),
    a.userOpsPerSec.map((v) => v.toFixed(0)).join(' '),
    a.userOverRoot.toFixed(3),
    `${(a.rootSpread * 100).toFixed(1)}%`,
    a.errors > 0 ? `no (${a.errors} errors)` : a.withinRootSpread ? 'yes' : 'no',
  ]);
}

export const AUTHZ_HEAD = [
  'workload',
  'target',
  'conc',
  'root op/s by round',
  'user op/s by round',
  'user/root',
  'root spread',
  'within spread',
];
