import pino, { type Logger } from 'pino';

/** Logs go to stderr as JSON lines: stdout belongs to command output (`inventory` prints JSON there). */
export function createLogger(level = process.env.STOCKTAKE_LOG_LEVEL ?? 'warn'): Logger {
  return pino({ level, base: { component: 'agent' } }, pino.destination(2));
}
