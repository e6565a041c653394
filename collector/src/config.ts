import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { DatabaseLocation } from './compose/stores.ts';
import type { ConfigFile } from './config-file.ts';
import { fileKey, LOG_LEVELS, SETTINGS } from './config-settings.ts';
import { PEER_ADMISSIONS, type PeerAdmission, type PeerAgentsSettings } from './domain/peers/admission.ts';
import { type ReconciliationConfig, resolveReconciliationConfig } from './reconciliation-config.ts';
import { POSTGRES_TLS_MODES, type PostgresTlsMode } from './store/postgres/connection-settings.ts';

export interface CollectorConfig {
  /** The SQLite file (`sqlite:` taken off), or the PostgreSQL URL as given. */
  dbPath: string;
  /** The database as the composition root opens it: the SQLite file's path, or PostgreSQL with its pool and TLS. */
  database: DatabaseLocation;
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
  /** Who may report through the OCS protocol and GLPI Agent's (off by default). */
  peerAgents: PeerAgentsSettings;
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

/** Where a setting's value came from, for `config check` and for messages about a bad value. */
export type SettingOrigin =
  | { from: 'flag'; label: string }
  | { from: 'env'; label: string }
  | { from: 'file'; label: string; path: string }
  | { from: 'default'; label: string };

/** The sources beyond flags and the environment: a config file, and whose defaults apply. */
export interface ConfigSources {
  file?: ConfigFile;
  /** Root's defaults are absolute paths under /var/lib/stocktake (default: not root, today's defaults). */
  asRoot?: boolean;
}

/** A resolved configuration and where each setting came from (by flag name). */
export interface ResolvedConfig {
  config: CollectorConfig;
  origins: ReadonlyMap<string, SettingOrigin>;
  /** Each setting's winning value, as text (a flag's spelling), by flag name. */
  values: ReadonlyMap<string, string>;
  file?: ConfigFile;
}

function integer(key: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(key, `"${raw}" is not a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(key, `${n} is outside ${min}..${max}`);
  return n;
}

/** A value from the config file as the text a flag would give (lists comma-separated). */
function asText(value: string | number | readonly string[]): string {
  return typeof value === 'object' ? value.join(',') : String(value);
}

/**
 * Each setting's winning value and its origin: flags win over environment variables, which
 * win over the config file, which wins over the defaults.
 */
function pickSettings(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
  sources: ConfigSources,
): { values: Map<string, string>; origins: Map<string, SettingOrigin> } {
  const values = new Map<string, string>();
  const origins = new Map<string, SettingOrigin>();
  const asRoot = sources.asRoot ?? false;
  for (const s of SETTINGS) {
    const key = fileKey(s.flag);
    const fromFile = sources.file?.values[key];
    let value: string | undefined;
    let origin: SettingOrigin | undefined;
    if (flags[s.flag] !== undefined) {
      value = flags[s.flag];
      origin = { from: 'flag', label: `--${s.flag}` };
    } else if (env[s.env] !== undefined) {
      value = env[s.env];
      origin = { from: 'env', label: s.env };
    } else if (fromFile !== undefined && sources.file) {
      value = asText(fromFile);
      origin = { from: 'file', label: `${sources.file.path}: ${key}`, path: sources.file.path };
    } else if (s.default !== undefined) {
      value =
        typeof s.default === 'string' ? s.default : s.default({ asRoot, settingValue: (flag) => values.get(flag) });
      origin = { from: 'default', label: asRoot && s.flag === 'db' ? 'default, as root' : 'default' };
    }
    if (value !== undefined && origin) {
      values.set(s.flag, value);
      origins.set(s.flag, origin);
    }
  }
  return { values, origins };
}

/**
 * Flags win over environment variables, which win over the config file, which wins over the
 * defaults. A bad value from the file names the file and its key.
 */
export function resolveConfig(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
  sources: ConfigSources = {},
): CollectorConfig {
  return resolveConfigWithOrigins(flags, env, sources).config;
}

export function resolveConfigWithOrigins(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
  sources: ConfigSources = {},
): ResolvedConfig {
  const { values, origins } = pickSettings(flags, env, sources);
  try {
    const config = buildConfig((flag) => values.get(flag));
    return { config, origins, values, ...(sources.file ? { file: sources.file } : {}) };
  } catch (err) {
    const origin = err instanceof ConfigError ? origins.get(err.key) : undefined;
    // A flag or variable is where the operator typed it; a file's key is worth naming, with the file.
    if (err instanceof ConfigError && origin?.from === 'file') {
      throw new ConfigError(err.key, `${err.message.replace(/^invalid [^:]+: /, '')} (config file ${origin.label})`);
    }
    throw err;
  }
}

function buildConfig(value: (flag: string) => string | undefined): CollectorConfig {
  const need = (flag: string) => value(flag) ?? '';
  const logLevel = need('log-level');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new ConfigError('log-level', `"${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  const enrollSecret = value('enroll-secret');
  if (enrollSecret !== undefined && enrollSecret.length < 8) {
    throw new ConfigError('enroll-secret', 'must be at least 8 characters');
  }
  const metricsToken = value('metrics-token');
  // Long enough not to be guessed by a scraper's neighbours: `openssl rand -hex 16` makes one.
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('metrics-token', 'must be at least 16 characters');
  }
  const limit = (flag: string, min: number, max: number) => integer(flag, need(flag), min, max);
  const database = databaseLocation(need('db'), {
    // Ingest commits new catalogue rows on a second connection while its batch holds one, so a
    // pool of one would wait on itself for ever.
    poolSize: limit('db-pool-size', 2, 1000),
    sslMode: value('db-ssl-mode'),
    caFile: value('db-ca-file'),
  });
  return {
    dbPath: typeof database === 'string' ? database : need('db'),
    database,
    host: need('host'),
    port: limit('port', 0, 65535),
    ...(enrollSecret ? { enrollSecret } : {}),
    snapshotBodyLimit: limit('snapshot-body-limit', 1024, 1024 * 1024 * 1024),
    bodyLimit: limit('body-limit', 1024, 1024 * 1024 * 1024),
    csvBodyLimit: limit('csv-body-limit', 1024, 1024 * 1024 * 1024),
    snapshotRetentionDays: limit('snapshot-retention-days', 1, 3650),
    snapshotThinAfterHours: limit('snapshot-thin-after-hours', 0, 3650 * 24),
    logLevel,
    reconciliation: resolveReconciliationConfig((flag) => value(flag)),
    rateLimit: limit('rate-limit', 0, 1_000_000),
    enrollRateLimit: limit('enroll-rate-limit', 0, 1_000_000),
    agentRateLimit: limit('agent-rate-limit', 0, 1_000_000),
    agentByteLimit: limit('agent-byte-limit', 0, 1024 * 1024 * 1024 * 1024),
    csvRowLimit: limit('csv-row-limit', 1, 10_000_000),
    corsOrigins: corsOrigins(value('cors-origin')),
    ...tlsFiles(value('tls-cert'), value('tls-key')),
    trustProxy: trustProxy(value('trust-proxy')),
    peerAgents: peerAgents(value('peer-agents'), value('peer-networks')),
    ...(metricsToken ? { metricsToken } : {}),
    minFreeDiskBytes: limit('min-free-disk', 0, Number.MAX_SAFE_INTEGER),
  };
}

/** Query parameters of a PostgreSQL URL the collector reads (libpq's names); any other is refused. */
const POSTGRES_URL_PARAMETERS = new Set([
  'host',
  'port',
  'user',
  'password',
  'application_name',
  'sslmode',
  'sslrootcert',
]);

/** Hosts that are this machine: there, TLS is off unless asked for. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `--db`: a SQLite file (a bare path or `sqlite:/path`), or a PostgreSQL URL with its pool size
 * and TLS. TLS comes from --db-ssl-mode and --db-ca-file, or from the URL's own sslmode and
 * sslrootcert as libpq reads them; by default it is off for a server on this machine (loopback
 * or a socket folder) and verify-full for any other.
 */
function databaseLocation(
  raw: string,
  pg: { poolSize: number; sslMode: string | undefined; caFile: string | undefined },
): DatabaseLocation {
  if (!/^postgres(ql)?:/i.test(raw)) {
    const path = raw.replace(/^sqlite:/i, '');
    if (path === '')
      throw new ConfigError('db', 'sqlite: needs a file path after it (sqlite:/var/lib/stocktake/stocktake.db)');
    for (const flag of ['db-ssl-mode', 'db-ca-file'] as const) {
      if ((flag === 'db-ssl-mode' ? pg.sslMode : pg.caFile) !== undefined) {
        throw new ConfigError(flag, `is for a PostgreSQL database, and --db is the SQLite file ${path}`);
      }
    }
    return path;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'db',
      'the PostgreSQL URL does not parse; write it as postgres://user:password@host:5432/database',
    );
  }
  if (!url.href.match(/^postgres(ql)?:\/\//i)) {
    throw new ConfigError('db', 'a PostgreSQL URL starts postgres:// (postgres://user:password@host:5432/database)');
  }
  const socketFolder = url.searchParams.get('host');
  if (!url.hostname && !socketFolder) {
    throw new ConfigError(
      'db',
      'the PostgreSQL URL names no host (postgres://user@host/database, or ?host=/run/postgresql for a socket)',
    );
  }
  if (url.pathname.length <= 1)
    throw new ConfigError('db', 'the PostgreSQL URL names no database (postgres://user@host/stocktake)');
  for (const key of url.searchParams.keys()) {
    if (!POSTGRES_URL_PARAMETERS.has(key)) {
      throw new ConfigError(
        'db',
        `the PostgreSQL URL's parameter "${key}" is not one the collector reads (${[...POSTGRES_URL_PARAMETERS].join(', ')})`,
      );
    }
  }
  const local = socketFolder ? socketFolder.startsWith('/') : LOOPBACK.has(url.hostname);
  const mode = tlsMode(url.searchParams.get('sslmode') ?? undefined, pg.sslMode, local);
  const caFile = settingOrUrl('db-ca-file', pg.caFile, url.searchParams.get('sslrootcert') ?? undefined, 'sslrootcert');
  if (caFile !== undefined) checkCaFile(caFile, mode);
  // The driver would let the URL's own sslmode win over the TLS options given to it.
  url.searchParams.delete('sslmode');
  url.searchParams.delete('sslrootcert');
  return {
    engine: 'postgres',
    url: url.href,
    poolSize: pg.poolSize,
    tls: { mode, ...(caFile !== undefined ? { caFile } : {}) },
  };
}

/** A setting given both as a flag (or variable, or key) and in the URL must say the same. */
function settingOrUrl(flag: string, setting: string | undefined, inUrl: string | undefined, parameter: string) {
  if (setting !== undefined && inUrl !== undefined && setting !== inUrl) {
    throw new ConfigError(flag, `"${setting}" differs from the URL's ${parameter}=${inUrl}; give it once`);
  }
  return setting ?? inUrl;
}

function tlsMode(inUrl: string | undefined, setting: string | undefined, local: boolean): PostgresTlsMode {
  const mode = settingOrUrl('db-ssl-mode', setting, inUrl, 'sslmode');
  if (mode === undefined) return local ? 'disable' : 'verify-full';
  if (!(POSTGRES_TLS_MODES as readonly string[]).includes(mode)) {
    const why =
      mode === 'prefer' || mode === 'allow'
        ? ' (it would fall back to plain text when TLS fails; choose require, or disable on a trusted network)'
        : '';
    throw new ConfigError('db-ssl-mode', `"${mode}" is not one of ${POSTGRES_TLS_MODES.join(', ')}${why}`);
  }
  return mode as PostgresTlsMode;
}

/** The CA file must be there, readable, and hold a PEM certificate; it means nothing without TLS. */
function checkCaFile(path: string, mode: PostgresTlsMode): void {
  if (mode === 'disable') throw new ConfigError('db-ca-file', `${path} is given, but TLS to the database is disabled`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      'db-ca-file',
      `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('db-ca-file', `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
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
  return addressList('trust-proxy', raw, 'as true would be; name the proxies').join(',');
}

/** Addresses and CIDR ranges separated by commas; `/0` (every address) is refused with `everyone`'s reason. */
function addressList(key: string, raw: string, everyone: string): string[] {
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || rest.length > 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new ConfigError(key, `"${entry}" is not an address or CIDR range`);
    }
    if (bits !== undefined && Number(bits) === 0) {
      throw new ConfigError(key, `"${entry}" is every address, ${everyone}`);
    }
  }
  return entries;
}

/**
 * Other tools' agents are admitted only as configured: by the enroll secret in the URL path, by
 * the networks they report from (which must then be named), or by both.
 */
function peerAgents(rawAdmission: string | undefined, rawNetworks: string | undefined): PeerAgentsSettings {
  const admission = (rawAdmission ?? 'off') as PeerAdmission;
  if (!(PEER_ADMISSIONS as readonly string[]).includes(admission)) {
    throw new ConfigError('peer-agents', `"${admission}" is not one of ${PEER_ADMISSIONS.join(', ')}`);
  }
  const networks =
    rawNetworks === undefined || rawNetworks.trim() === ''
      ? []
      : addressList(
          'peer-networks',
          rawNetworks,
          'which no allowlist is; use --peer-agents secret to admit any address',
        );
  const byNetwork = admission === 'network' || admission === 'secret-and-network';
  if (byNetwork && networks.length === 0) {
    throw new ConfigError('peer-networks', `--peer-agents ${admission} admits the networks named here, and none is`);
  }
  return { admission, networks };
}

/**
 * The enroll secret in force: the configured one, else the one stored beside the database,
 * else a new one generated and stored there (mode 0600).
 */
export function ensureEnrollSecret(config: CollectorConfig): { secret: string; path?: string; generated: boolean } {
  if (config.enrollSecret) return { secret: config.enrollSecret, generated: false };
  if (typeof config.database !== 'string') {
    // Instances on one database share no directory, and each would make a secret of its own.
    throw new ConfigError(
      'enroll-secret',
      'none configured: on PostgreSQL every instance must be given the same one (--enroll-secret or STOCKTAKE_ENROLL_SECRET)',
    );
  }
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
