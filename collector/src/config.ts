import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_MIN_FREE_BYTES } from './domain/ports.ts';
import { type ReconciliationConfig, resolveReconciliationConfig } from './reconciliation-config.ts';

export interface CollectorConfig {
  dbPath: string;
  host: string;
  port: number;
  enrollSecret?: string;
  snapshotBodyLimit: number;
  bodyLimit: number;
  /** Largest CSV file accepted by the import routes, in bytes. */
  csvBodyLimit: number;
  /** Days raw snapshots are kept (each device's latest is always kept). */
  snapshotRetentionDays: number;
  /** Hours after which a snapshot repeating the day's previous one is thinned (0: keep every one). */
  snapshotThinAfterHours: number;
  logLevel: string;
  /** Policies file, run schedule and webhook (reconciliation-config.ts). */
  reconciliation: ReconciliationConfig;
  /** Requests per minute per API token (0: no limit). */
  rateLimit: number;
  /** Enrolments per minute per client address (0: no limit). */
  enrollRateLimit: number;
  /** Snapshots and deltas per minute per agent (0: no limit). */
  agentRateLimit: number;
  /** Bytes of snapshots and deltas per minute per agent (0: no limit). */
  agentByteLimit: number;
  /** Most data rows in one CSV import (over HTTP and from the command line). */
  csvRowLimit: number;
  /** Origins browsers may call the API from; none (no CORS at all) by default. */
  corsOrigins: string[];
  /** PEM files: serve HTTPS instead of HTTP. */
  tls?: { certPath: string; keyPath: string };
  /** The proxies believed about the client address (X-Forwarded-For): addresses and CIDRs, comma-separated; false for none. */
  trustProxy: false | string;
  /** The token `/metrics` takes; none: no metrics route. */
  metricsToken?: string;
  /** Free space the database's disk must keep: the server refuses to start below it, and /readyz fails. */
  minFreeDiskBytes: number;
}

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`invalid ${key}: ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(key: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(key, `"${raw}" is not a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(key, `${n} is outside ${min}..${max}`);
  return n;
}

/** Flags win over environment variables, which win over defaults. */
export function resolveConfig(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv): CollectorConfig {
  const pick = (flag: string, envName: string) => flags[flag] ?? env[envName];
  const logLevel = pick('log-level', 'STOCKTAKE_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('log-level', `"${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  const enrollSecret = pick('enroll-secret', 'STOCKTAKE_ENROLL_SECRET');
  if (enrollSecret !== undefined && enrollSecret.length < 8) {
    throw new ConfigError('enroll-secret', 'must be at least 8 characters');
  }
  const metricsToken = pick('metrics-token', 'STOCKTAKE_METRICS_TOKEN');
  // Long enough not to be guessed by a scraper's neighbours: `openssl rand -hex 16` makes one.
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('metrics-token', 'must be at least 16 characters');
  }
  return {
    dbPath: pick('db', 'STOCKTAKE_DB') ?? './data/stocktake.db',
    // Loopback by default: listening on a network is a choice (with TLS or behind a proxy).
    host: pick('host', 'STOCKTAKE_HOST') ?? '127.0.0.1',
    port: integer('port', pick('port', 'STOCKTAKE_PORT') ?? '8080', 0, 65535),
    ...(enrollSecret ? { enrollSecret } : {}),
    snapshotBodyLimit: integer(
      'snapshot-body-limit',
      pick('snapshot-body-limit', 'STOCKTAKE_SNAPSHOT_BODY_LIMIT') ?? String(16 * 1024 * 1024),
      1024,
      1024 * 1024 * 1024,
    ),
    bodyLimit: integer(
      'body-limit',
      pick('body-limit', 'STOCKTAKE_BODY_LIMIT') ?? String(1024 * 1024),
      1024,
      1024 * 1024 * 1024,
    ),
    csvBodyLimit: integer(
      'csv-body-limit',
      pick('csv-body-limit', 'STOCKTAKE_CSV_BODY_LIMIT') ?? String(32 * 1024 * 1024),
      1024,
      1024 * 1024 * 1024,
    ),
    snapshotRetentionDays: integer(
      'snapshot-retention-days',
      pick('snapshot-retention-days', 'STOCKTAKE_SNAPSHOT_RETENTION_DAYS') ?? '30',
      1,
      3650,
    ),
    snapshotThinAfterHours: integer(
      'snapshot-thin-after-hours',
      pick('snapshot-thin-after-hours', 'STOCKTAKE_SNAPSHOT_THIN_AFTER_HOURS') ?? '24',
      0,
      3650 * 24,
    ),
    logLevel,
    reconciliation: resolveReconciliationConfig(pick),
    rateLimit: integer('rate-limit', pick('rate-limit', 'STOCKTAKE_RATE_LIMIT') ?? '1200', 0, 1_000_000),
    enrollRateLimit: integer(
      'enroll-rate-limit',
      pick('enroll-rate-limit', 'STOCKTAKE_ENROLL_RATE_LIMIT') ?? '60',
      0,
      1_000_000,
    ),
    agentRateLimit: integer(
      'agent-rate-limit',
      pick('agent-rate-limit', 'STOCKTAKE_AGENT_RATE_LIMIT') ?? '60',
      0,
      1_000_000,
    ),
    agentByteLimit: integer(
      'agent-byte-limit',
      // A quarter of the snapshot limit: a full-size snapshot is taken on credit, and its agent
      // then waits four minutes; every body parsed is time the event loop spends on one agent.
      pick('agent-byte-limit', 'STOCKTAKE_AGENT_BYTE_LIMIT') ??
        String(
          Math.floor(Number(pick('snapshot-body-limit', 'STOCKTAKE_SNAPSHOT_BODY_LIMIT') ?? 16 * 1024 * 1024) / 4),
        ),
      0,
      1024 * 1024 * 1024 * 1024,
    ),
    csvRowLimit: integer('csv-row-limit', pick('csv-row-limit', 'STOCKTAKE_CSV_ROW_LIMIT') ?? '200000', 1, 10_000_000),
    corsOrigins: corsOrigins(pick('cors-origin', 'STOCKTAKE_CORS_ORIGIN')),
    ...tlsFiles(pick('tls-cert', 'STOCKTAKE_TLS_CERT'), pick('tls-key', 'STOCKTAKE_TLS_KEY')),
    trustProxy: trustProxy(pick('trust-proxy', 'STOCKTAKE_TRUST_PROXY')),
    ...(metricsToken ? { metricsToken } : {}),
    minFreeDiskBytes: integer(
      'min-free-disk',
      pick('min-free-disk', 'STOCKTAKE_MIN_FREE_DISK') ?? String(DEFAULT_MIN_FREE_BYTES),
      0,
      Number.MAX_SAFE_INTEGER,
    ),
  };
}

/** `https://inventory.example.org,https://grafana.example.org`: exact origins, no wildcard. */
function corsOrigins(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError('cors-origin', `"${origin}" is not an origin such as https://app.example.org`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError('cors-origin', `"${origin}" is not an origin (scheme, host and port only)`);
    }
    return url.origin;
  });
}

function tlsFiles(cert: string | undefined, key: string | undefined): { tls?: { certPath: string; keyPath: string } } {
  if (cert === undefined && key === undefined) return {};
  if (!cert || !key) throw new ConfigError(cert ? 'tls-key' : 'tls-cert', 'TLS needs both --tls-cert and --tls-key');
  return { tls: { certPath: cert, keyPath: key } };
}

/**
 * Addresses and CIDR ranges of the proxies in front of the collector, separated by commas.
 * `true` and hop counts are refused: they believe X-Forwarded-For from whoever connects, so a
 * client that sends a new address with each request is a new client each time, and the
 * per-address enrolment limit stops no one.
 */
function trustProxy(raw: string | undefined): false | string {
  if (raw === undefined || raw.trim() === '' || raw === 'false') return false;
  if (raw === 'true' || /^\d+$/.test(raw)) {
    throw new ConfigError(
      'trust-proxy',
      `"${raw}" would believe X-Forwarded-For from any client, which could then pass the enrolment limit with a new address each time; name the proxies instead (addresses or CIDR ranges: --trust-proxy 127.0.0.1 or 10.0.0.0/8)`,
    );
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || rest.length > 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new ConfigError('trust-proxy', `"${entry}" is not an address or CIDR range`);
    }
    if (bits !== undefined && Number(bits) === 0) {
      throw new ConfigError('trust-proxy', `"${entry}" is every address, as true would be; name the proxies`);
    }
  }
  return entries.join(',');
}

/**
 * The enroll secret in force: the configured one, else the one stored beside the database,
 * else a new one generated and stored there (mode 0600).
 */
export function ensureEnrollSecret(config: CollectorConfig): { secret: string; path?: string; generated: boolean } {
  if (config.enrollSecret) return { secret: config.enrollSecret, generated: false };
  const dir = config.dbPath === ':memory:' ? resolve('data') : dirname(resolve(config.dbPath));
  const path = join(dir, 'enroll-secret');
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length < 8) throw new ConfigError('enroll-secret', `${path} holds fewer than 8 characters`);
    return { secret, path, generated: false };
  }
  const secret = randomBytes(24).toString('base64url');
  try {
    // The database goes in the same directory: only the collector's user may enter it.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(
      'enroll-secret',
      `none configured, and a generated one cannot be stored in ${path} (${code})`,
    );
  }
  return { secret, path, generated: true };
}
