/** A configuration `cairn server` cannot start with: printed as one line, exit status 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
