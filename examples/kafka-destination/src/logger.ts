/**
 * Log lines for people (`text`: `2026-01-02T03:04:05.678Z info  message key=value ...`) or for log pipelines (`json`:
 * one object a line). Everything goes to stdout except errors, which go to stderr, so `2>` catches what needs a look.
 */
import type { LogFormat } from './config.js';

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;
export type LogLevel = 'info' | 'warn' | 'error';

/** Where the service says what it does. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Writes lines to the given streams (stdout and stderr by default) in the chosen format. */
export function createLogger(
  format: LogFormat,
  streams: { out: { write(line: string): unknown }; err: { write(line: string): unknown } } = { out: process.stdout, err: process.stderr },
): Logger {
  const render = format === 'json' ? jsonLine : textLine;
  const log = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    const line = render(new Date(), level, message, fields);
    (level === 'error' ? streams.err : streams.out).write(`${line}\n`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

function jsonLine(time: Date, level: LogLevel, message: string, fields: LogFields): string {
  return JSON.stringify({ time: time.toISOString(), level, msg: message, ...fields });
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
