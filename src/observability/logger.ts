import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout, one line per entry; `LOG_LEVEL` sets the threshold. */
export function createLogger(level: string, name = 'mosaic'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
