/** S3's size and count limits, as AWS documents them: the API checks requests against them, the object layer enforces them. */

/** Largest single PUT (and CopyObject). */
export const MAX_PUT_SIZE = 5 * 1024 ** 3;
/** Largest part of a multipart upload. */
export const MAX_PART_SIZE = 5 * 1024 ** 3;
/** Smallest part of a multipart upload, the last part excepted. */
export const MIN_PART_SIZE = 5 * 1024 ** 2;
/** Most parts in one multipart upload (part numbers 1 to this). */
export const MAX_PARTS = 10_000;
