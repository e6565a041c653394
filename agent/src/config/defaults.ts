/**
 * The config's log levels and defaults, apart from its TypeBox schema: `once` needs the
 * defaults on every run, and only `run`, `status` and `service` load the schema.
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const DEFAULTS = {
  inventory: '0 * * * *',
  splaySeconds: 300,
  heartbeatSeconds: 60,
  fullEverySeconds: 86_400,
  maxEntries: 1000,
  maxBytes: 50 * 1024 * 1024,
  retryMinSeconds: 10,
  retryMaxSeconds: 900,
  collectorTimeoutSeconds: 60,
  logLevel: 'warn',
  meteringSampleSeconds: 300,
} as const;
