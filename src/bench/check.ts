import type { S3Client } from './client/http.js';
import { S3RequestError } from './client/http.js';
import { clientFor, type TargetSession } from './measure.js';
import { payloadSource } from './payload.js';

export interface CheckResult {
  target: string;
  passed: boolean;
  failures: string[];
}

const MiB = 1 << 20;

/**
 * Proves the load client and the target agree before any number is trusted: what is PUT (plain and
 * multipart) GETs back byte for byte, HEAD reports the size, LIST pages and delimiters count right,
 * DELETE makes a key disappear. Baselines keep no bytes, so for them only sizes and counts are checked.
 */
export async function checkTarget(s: TargetSession, storesBytes: boolean): Promise<CheckResult> {
  const c = clientFor(s, 4);
  const failures: string[] = [];
  const source = payloadSource();
  const verify = storesBytes ? source : undefined;
  const b = s.bucket;
  const expect = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      failures.push(`${what}: ${(err as Error).message}`);
    }
  };
  try {
    // 17 MiB + 5 crosses the 16 MiB source buffer, so the repetition itself is checked too.
    for (const size of [0, 4096, MiB + 3, 17 * MiB + 5]) {
      const key = `check/plain-${size}`;
      await expect(`PUT+GET ${size} B`, async () => {
        await c.put(b, key, { source, length: size });
        const got = await c.get(b, key, verify);
        if (got.bytes !== size) throw new Error(`got ${got.bytes} bytes`);
        const head = await c.head(b, key);
        if (Number(head.headers['content-length']) !== size) {
          throw new Error(`HEAD Content-Length ${head.headers['content-length']}`);
        }
      });
    }
    const mpuSize = 11 * MiB + 7;
    await expect('multipart PUT+GET (5 MiB parts)', async () => {
      await c.multipartPut(b, 'check/multipart', source, mpuSize, 5 * MiB);
      const got = await c.get(b, 'check/multipart', verify);
      if (got.bytes !== mpuSize) throw new Error(`got ${got.bytes} of ${mpuSize} bytes`);
    });
    const names = ['a', 'b', 'c', 'd', 'e'].map((n) => `check/list/${n}`);
    await expect('LIST pages of 2', async () => {
      await Promise.all(names.map((k) => c.put(b, k, { source, length: 1 })));
      const seen = await listAll(c, b, 'check/list/', 2);
      if (seen.join() !== names.join()) throw new Error(`listed ${seen.join()}`);
    });
    if (storesBytes) {
      await expect('LIST with delimiter', async () => {
        const page = await c.list(b, { prefix: 'check/', delimiter: '/' });
        if (!page.commonPrefixes.includes('check/list/')) {
          throw new Error(`prefixes ${page.commonPrefixes.join()}; keys ${page.keys.length}`);
        }
        if (page.keys.some((k) => k.startsWith('check/list/'))) throw new Error('delimiter not applied');
      });
    }
    await expect('DELETE', async () => {
      for (const k of names) await c.delete(b, k);
      const left = await listAll(c, b, 'check/list/', 1000);
      if (left.length !== 0) throw new Error(`${left.length} keys left after DELETE`);
      try {
        await c.head(b, names[0]!);
        throw new Error('HEAD after DELETE succeeded');
      } catch (err) {
        if (!(err instanceof S3RequestError) || err.status !== 404) throw err;
      }
    });
    for (const size of [0, 4096, MiB + 3, 17 * MiB + 5])
      await c.delete(b, `check/plain-${size}`).catch(() => {});
    await c.delete(b, 'check/multipart').catch(() => {});
  } finally {
    c.close();
  }
  return { target: s.target.spec.name, passed: failures.length === 0, failures };
}

async function listAll(c: S3Client, bucket: string, prefix: string, maxKeys: number): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await c.list(bucket, token === undefined ? { prefix, maxKeys } : { prefix, maxKeys, token });
    keys.push(...page.keys);
    if (!page.isTruncated) break;
    token = page.nextContinuationToken;
    if (token === undefined) throw new Error('truncated page without NextContinuationToken');
  }
  return keys;
}
