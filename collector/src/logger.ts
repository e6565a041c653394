import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * JSON lines for services and pipes; readable lines when a person is watching a terminal.
 * pino-pretty runs in this process, as a stream, rather than as a pino transport: a transport
 * loads its target by package name in a worker thread, which the bundled collector of the
 * release archive, with no node_modules beside it, could not do.
 */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY && !process.env.NO_PRETTY) {
    return pino({ level }, pretty({ translateTime: 'SYS:HH:MM:ss.l' }));
  }
  return pino({ level });
}
