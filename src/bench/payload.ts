import { randomFillSync } from 'node:crypto';

/** Largest single write; bigger bodies repeat it (see client/http.ts Payload). */
export const SOURCE_BYTES = 16 << 20;

let source: Buffer | undefined;

/**
 * The one random buffer every PUT body is cut from. Random so that no layer can compress or
 * deduplicate it; shared so the load generator allocates no payloads while it runs.
 */
export function payloadSource(): Buffer {
  source ??= randomFillSync(Buffer.allocUnsafe(SOURCE_BYTES));
  return source;
}
