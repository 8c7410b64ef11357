/**
 * Log lines for people (`text`: `2026-01-02T03:04:05.678Z info  message key=value ...`) or for log pipelines (`json`:
 * one object a line, written by pino). Everything goes to stdout except errors, which go to stderr, so `2>` catches
 * what needs a look.
 */
import { createRequire } from 'node:module';
import type { DestinationStream } from 'pino';
import type { LogFormat } from './config.js';

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;
export type LogLevel = 'info' | 'warn' | 'error';

/** Where the service says what it does. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where lines go: `err` gets errors, `out` everything else. Each `write` gets one whole line, newline included. */
export interface LogStreams {
  readonly out: { write(line: string): unknown };
  readonly err: { write(line: string): unknown };
}

/**
 * A logger writing the chosen format to `streams`, by default stdout and stderr, synchronously: the service calls
 * `process.exit()` right after its last line, which must not be lost.
 */
export function createLogger(format: LogFormat, streams?: LogStreams): Logger {
  return format === 'json' ? jsonLogger(streams) : textLogger(streams ?? { out: process.stdout, err: process.stderr });
}

/**
 * pino, shaped like the text lines: `{"level":"info","time":"2026-…Z",...fields,"msg":"…"}`. No pid or hostname:
 * the platform that collects the lines knows which container wrote them.
 */
function jsonLogger(streams: LogStreams | undefined): Logger {
  // Loaded here, synchronously: text logs (the default) start without pino's modules (about 20 ms of a start).
  const { multistream, pino, stdTimeFunctions } = createRequire(import.meta.url)('pino') as typeof import('pino');
  const out: DestinationStream = streams?.out ?? pino.destination({ dest: 1, sync: true });
  const err: DestinationStream = streams?.err ?? pino.destination({ dest: 2, sync: true });
  const logger = pino(
    { base: undefined, timestamp: stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    // dedupe: an error goes to stderr only, not to both streams.
    multistream([{ level: 'info', stream: out }, { level: 'error', stream: err }], { dedupe: true }),
  );
  return {
    info: (message, fields = {}) => logger.info(fields, message),
    warn: (message, fields = {}) => logger.warn(fields, message),
    error: (message, fields = {}) => logger.error(fields, message),
  };
}

function textLogger(streams: LogStreams): Logger {
  const log = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    (level === 'error' ? streams.err : streams.out).write(`${textLine(new Date(), level, message, fields)}\n`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

function textLine(time: Date, level: LogLevel, message: string, fields: LogFields): string {
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${textValue(value!)}`);
  return [time.toISOString(), level.padEnd(5), message, ...pairs].join(' ');
}

/** Values with spaces or quotes are quoted, so `key=value` pairs stay splittable. */
function textValue(value: string | number | boolean): string {
  const text = String(value);
  return /^[^\s"=]*$/.test(text) && text !== '' ? text : JSON.stringify(text);
}
