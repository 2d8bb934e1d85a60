import { type Policy, parsePolicy } from './policy.js';

/**
 * MinIO's canned policies (minio/pkg policy/constants.go, DefaultPolicies), under MinIO's names so
 * that `policy attach readwrite` means what MinIO users expect. MinIO's S3-Tables statements are
 * left out: Cairn has no S3 Tables.
 */
const DOCUMENTS: Record<string, object> = {
  readwrite: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }],
  },
  readonly: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:GetObject'], Resource: ['arn:aws:s3:::*'] },
      { Effect: 'Deny', Action: ['admin:CreateUser'], Resource: ['arn:aws:s3:::*'] },
    ],
  },
  writeonly: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::*'] }],
  },
  diagnostics: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'admin:Profiling',
          'admin:ServerTrace',
          'admin:ConsoleLog',
          'admin:ServerInfo',
          'admin:TopLocksInfo',
          'admin:OBDInfo',
          'admin:BandwidthMonitor',
          'admin:Prometheus',
        ],
        Resource: ['arn:aws:s3:::*'],
      },
    ],
  },
  consoleAdmin: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['admin:*'] },
      { Effect: 'Allow', Action: ['kms:*'] },
      { Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] },
    ],
  },
};

/** The built-in identity policies by name: readonly, readwrite, writeonly, diagnostics, consoleAdmin. */
export const BUILTIN_POLICIES: ReadonlyMap<string, Policy> = new Map(
  Object.entries(DOCUMENTS).map(([name, doc]) => [name, parsePolicy(JSON.stringify(doc), 'identity')]),
);
