import pino, { type Logger } from 'pino';

/** JSON lines for services and pipes; readable lines when a person is watching a terminal. */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY && !process.env.NO_PRETTY) {
    return pino({ level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino({ level });
}
