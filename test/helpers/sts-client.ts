/** STS for tests: the AWS SDK's STS client against a running server, and AssumeRole with it. */
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, type Credentials, STSClient } from '@aws-sdk/client-sts';
import type { CairnProcess } from './cairn-process.js';

type Endpoint = Pick<CairnProcess, 'endpoint' | 'region'>;

export interface StsKeys {
  accessKey: string;
  secretKey: string;
}

/** An STS client signing as `keys` (with `sessionToken`, as temporary credentials), without retries. */
export function stsClientFor(server: Endpoint, keys: StsKeys, sessionToken?: string): STSClient {
  return new STSClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: {
      accessKeyId: keys.accessKey,
      secretAccessKey: keys.secretKey,
      ...(sessionToken !== undefined ? { sessionToken } : {}),
    },
    maxAttempts: 1,
  });
}

/** AssumeRole as `keys` (optional DurationSeconds and session policy); the temporary credentials. */
export async function assumeRoleAs(
  server: Endpoint,
  keys: StsKeys,
  input: { DurationSeconds?: number; Policy?: string } = {},
): Promise<Credentials> {
  const sts = stsClientFor(server, keys);
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::000000000000:role/cairn',
        RoleSessionName: 'test',
        ...input,
      }),
    );
    if (out.Credentials === undefined) throw new Error('AssumeRole answered no credentials');
    return out.Credentials;
  } finally {
    sts.destroy();
  }
}

/**
 * An S3 client using temporary credentials: with their session token, or `token: null` without
 * it, or another token in its place.
 */
export function s3ClientWith(
  server: Endpoint,
  creds: Credentials,
  opts: { token?: string | null } = {},
): S3Client {
  const token = opts.token === undefined ? creds.SessionToken : opts.token;
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: {
      accessKeyId: creds.AccessKeyId ?? '',
      secretAccessKey: creds.SecretAccessKey ?? '',
      ...(token !== null && token !== undefined ? { sessionToken: token } : {}),
    },
  });
}
