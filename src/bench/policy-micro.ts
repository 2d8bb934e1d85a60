import type { ConditionContext } from '../iam/authorizer.js';
import { BUILTIN_POLICIES } from '../iam/policy/builtin-policies.js';
import { type EvaluationRequest, evaluatePolicy, type Policy, parsePolicy } from '../iam/policy/policy.js';

export interface PolicyMicroResult {
  name: string;
  /** Nanoseconds per evaluatePolicy call, best of three rounds. */
  nsPerEvaluation: number;
  decision: string;
}

/**
 * A 20-statement identity policy of the kind people write: per-team buckets, a home prefix by
 * ${aws:username}, conditions on the source network and listing prefix, and two Deny statements.
 */
function twentyStatementPolicy(): Policy {
  const statements: object[] = [
    {
      Sid: 'DenyDeleteArchive',
      Effect: 'Deny',
      Action: ['s3:DeleteObject*'],
      Resource: 'arn:aws:s3:::archive/*',
    },
    {
      Sid: 'DenyOutsideOffice',
      Effect: 'Deny',
      Action: 's3:PutBucketPolicy',
      Resource: '*',
      Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
    },
    {
      Sid: 'ListHome',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::home',
      Condition: { StringLike: { 's3:prefix': ['${aws:username}/*', ''] } },
    },
    {
      Sid: 'Home',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: 'arn:aws:s3:::home/${aws:username}/*',
    },
  ];
  for (let i = 0; statements.length < 19; i++) {
    statements.push({
      Sid: `Team${i}`,
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:List*'],
      Resource: [`arn:aws:s3:::team-${i}`, `arn:aws:s3:::team-${i}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    });
  }
  statements.push({
    Sid: 'Reports',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::reports/2024-??/*',
  });
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity');
}

/** A fresh context per call, as the authorizer builds one per request (only when asked). */
const conditions = (): ConditionContext => ({
  'aws:SourceIp': ['10.1.2.3'],
  'aws:SecureTransport': ['true'],
  'aws:username': ['alice'],
  'aws:userid': ['alice'],
  'aws:CurrentTime': [new Date().toISOString()],
});

/** Cost of one evaluatePolicy call for the bench's `micro` step. */
export function runPolicyMicro(seconds: number): PolicyMicroResult[] {
  const policy = twentyStatementPolicy();
  const cases: [string, Policy, EvaluationRequest][] = [
    [
      '20 statements: allow hit (last statement)',
      policy,
      { action: 's3:GetObject', resource: 'arn:aws:s3:::reports/2024-06/q2.csv', conditions },
    ],
    [
      '20 statements: allow hit (Bool condition)',
      policy,
      { action: 's3:PutObject', resource: 'arn:aws:s3:::team-7/data/file.bin', conditions },
    ],
    [
      '20 statements: allow hit (${aws:username} resource)',
      policy,
      { action: 's3:GetObject', resource: 'arn:aws:s3:::home/alice/notes.txt', conditions },
    ],
    [
      '20 statements: deny hit',
      policy,
      { action: 's3:DeleteObjectVersion', resource: 'arn:aws:s3:::archive/2020/a.tar', conditions },
    ],
    [
      '20 statements: no match',
      policy,
      { action: 's3:DeleteBucket', resource: 'arn:aws:s3:::elsewhere', conditions },
    ],
    [
      'built-in readwrite: allow hit',
      BUILTIN_POLICIES.get('readwrite')!,
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', conditions },
    ],
  ];
  return cases.map(([name, p, request]) => {
    const decision = evaluatePolicy(p, request);
    return {
      name,
      decision,
      nsPerEvaluation: time(seconds / cases.length, () => evaluatePolicy(p, request)),
    };
  });
}

/** Best of three rounds; each round runs batches of calls so the clock is read rarely. */
function time(seconds: number, op: () => unknown): number {
  for (let i = 0; i < 10_000; i++) op(); // warm up (and let the JIT compile the evaluator)
  let best = Number.POSITIVE_INFINITY;
  const batch = 1000;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const end = performance.now() + (seconds * 1000) / 3;
    while (performance.now() < end) {
      for (let i = 0; i < batch; i++) op();
      n += batch;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / n);
  }
  return best;
}
