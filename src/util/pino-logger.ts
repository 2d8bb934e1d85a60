/**
 * The server's logger: pino, writing one JSON object per line (`level` as a word, `time` as ISO
 * 8601, `msg`, then the fields), or, when the output is a terminal, a short human line per entry.
 * Only this module imports pino; everything else sees the `Logger` seam.
 */
import { type DestinationStream, type Logger as Pino, pino, stdSerializers } from 'pino';
import type { LogFields, Logger, LogLevel } from './logger.js';

export interface PinoLoggerOptions {
  level: LogLevel;
  /** Where lines go (default: stdout). */
  destination?: DestinationStream;
  /** Human lines instead of JSON (default: when stdout is a terminal). */
  human?: boolean;
}

/**
 * Field names whose values are censored wherever they appear at the top level or one level down.
 * Nothing is meant to log them; this is the second line of defence.
 */
const SECRET_FIELDS = [
  'secretKey',
  'secretAccessKey',
  'sessionToken',
  'password',
  'authorization',
  'authToken',
  'token',
];
const REDACT_PATHS = [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)];

/** Creates the process logger. */
export function createLogger(opts: PinoLoggerOptions): Logger {
  const human = opts.human ?? process.stdout.isTTY === true;
  const destination = opts.destination ?? (human ? humanStream(process.stdout) : pino.destination(1));
  const root = pino(
    {
      level: opts.level,
      base: undefined, // no pid/hostname on every line: one process, one host
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
  return wrap(root);
}

function wrap(p: Pino): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields?: LogFields): void => {
      if (fields === undefined) p[level](msg);
      else p[level](fields, msg);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(p.child(fields)),
    enabled: (level) => p.isLevelEnabled(level),
  };
}

/** Fields a human line shows first or not at all (they are the line's own parts). */
const OWN = new Set(['level', 'time', 'msg', 'err']);

/**
 * Turns pino's JSON lines into `HH:MM:SS.mmm LEVEL message key=value…` (an error's stack on the
 * lines below). Only used on a terminal, where a person reads at human speed: parsing each line
 * again costs nothing that matters there.
 */
export function humanStream(out: { write(s: string): unknown }): DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(humanLine(entry));
    },
  };
}

export function humanLine(entry: Record<string, unknown>): string {
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '').toUpperCase();
  let text = `${time} ${level.padEnd(5)} ${String(entry.msg ?? '')}`;
  for (const [k, v] of Object.entries(entry)) {
    if (OWN.has(k) || v === undefined) continue;
    text += ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  }
  const err = entry.err as { type?: string; message?: string; stack?: string } | undefined;
  if (err !== undefined) text += `\n  ${err.stack ?? `${err.type ?? 'Error'}: ${err.message ?? ''}`}`;
  return `${text}\n`;
}
