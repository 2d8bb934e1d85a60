/**
 * The logging seam: every layer logs through this interface, so a structured logger (pino, with the
 * operations issue) replaces the line writer below without touching callers. A child logger carries
 * fields such as the request id onto every line it writes.
 */

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

function render(fields: LogFields): string {
  let out = '';
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out += ` ${k}=${v}`;
  return out;
}

/** Plain lines, `<ISO time> <LEVEL> <message> key=value…`, to `write` (stderr by default). */
export function lineLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
  base: LogFields = {},
): Logger {
  const line = (level: string) => (msg: string, fields?: LogFields) =>
    write(`${new Date().toISOString()} ${level} ${msg}${render(base)}${fields ? render(fields) : ''}\n`);
  return {
    info: line('INFO'),
    warn: line('WARN'),
    error: line('ERROR'),
    child: (fields) => lineLogger(write, { ...base, ...fields }),
  };
}

/** Drops everything (library use and tests that do not look at logs). */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
