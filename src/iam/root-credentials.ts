import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface RootCredentials {
  accessKey: string;
  secretKey: string;
  /** Where they came from, for the start-up banner. */
  source: 'environment' | 'generated' | 'stored';
}

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

const MIN_ACCESS_KEY = 3;
const MIN_SECRET_KEY = 8;

/**
 * Root credentials: from CAIRN_ROOT_USER/CAIRN_ROOT_PASSWORD (or MinIO's names, so MinIO
 * deployments can switch), else the pair stored beside the data, else a new strong random pair
 * stored with mode 0600. Never a well-known default password.
 *
 * `storePaths` has one path per drive: the pair is kept on every drive, so losing one drive does
 * not lose the credentials; the first readable copy wins.
 */
export async function resolveRootCredentials(
  env: NodeJS.ProcessEnv,
  storePaths: string[],
): Promise<RootCredentials & { storedIn: string[] }> {
  const user = env.CAIRN_ROOT_USER ?? env.MINIO_ROOT_USER;
  const password = env.CAIRN_ROOT_PASSWORD ?? env.MINIO_ROOT_PASSWORD;
  if (user !== undefined || password !== undefined) {
    if (!user || !password) {
      throw new CredentialsError('set both CAIRN_ROOT_USER and CAIRN_ROOT_PASSWORD, or neither');
    }
    if (user.length < MIN_ACCESS_KEY) {
      throw new CredentialsError(`CAIRN_ROOT_USER must be at least ${MIN_ACCESS_KEY} characters`);
    }
    if (password.length < MIN_SECRET_KEY) {
      throw new CredentialsError(`CAIRN_ROOT_PASSWORD must be at least ${MIN_SECRET_KEY} characters`);
    }
    return { accessKey: user, secretKey: password, source: 'environment', storedIn: [] };
  }
  for (const path of storePaths) {
    const stored = await readStored(path);
    if (stored) return { ...stored, storedIn: [path] };
  }
  const generated: RootCredentials = {
    accessKey: `cairn-${randomBytes(6).toString('hex')}`,
    secretKey: randomBytes(30).toString('base64url'),
    source: 'generated',
  };
  const storedIn: string[] = [];
  let lastError: unknown;
  for (const path of storePaths) {
    try {
      await store(path, generated);
      storedIn.push(path);
    } catch (err) {
      lastError = err; // an offline drive: the other copies suffice
    }
  }
  if (storedIn.length === 0) throw lastError;
  return { ...generated, storedIn };
}

async function store(path: string, creds: RootCredentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // 'wx': two servers racing on one data dir must not overwrite each other's secret.
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(`${JSON.stringify({ accessKey: creds.accessKey, secretKey: creds.secretKey })}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** The stored pair, or undefined when this drive has none or cannot be read (offline drive). */
async function readStored(path: string): Promise<RootCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EIO') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as { accessKey?: unknown; secretKey?: unknown };
  if (typeof parsed.accessKey !== 'string' || typeof parsed.secretKey !== 'string') {
    throw new CredentialsError(`${path} is not a credentials file; remove it to generate new credentials`);
  }
  return { accessKey: parsed.accessKey, secretKey: parsed.secretKey, source: 'stored' };
}
