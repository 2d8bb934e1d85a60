import { readFile } from 'node:fs/promises';
import { AdminCliError } from './command.js';

export interface PolicyFile {
  /** The file's bytes, sent as they are (the server parses and validates them). */
  bytes: Buffer;
  document: unknown;
}

/**
 * A policy document from a file, checked to be a JSON object before it is sent, so a typo is
 * reported with the file's name instead of as the server's MalformedPolicy.
 */
export async function readPolicyFile(path: string): Promise<PolicyFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new AdminCliError(`cannot read policy file ${path}: ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    // The parser quotes the text around the mistake, newlines included: keep the error one line.
    throw new AdminCliError(
      `policy file ${path} is not valid JSON: ${(err as Error).message.replace(/\s+/g, ' ')}`,
    );
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new AdminCliError(`policy file ${path} must hold a JSON object (a policy document)`);
  }
  return { bytes, document };
}
