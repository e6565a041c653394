import { FINDING_SEVERITIES } from '@stocktake/shared/api';
import { PEER_ADMISSIONS } from './domain/peers/admission.ts';
import { DEFAULT_MIN_FREE_BYTES } from './domain/ports.ts';
import { DEFAULT_POOL_SIZE, POSTGRES_TLS_MODES } from './store/postgres/connection-settings.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const DEFAULT_RECONCILE_CRON = '*/15 * * * *';

/** The state directory `service install` gives the collector; root's defaults live there too. */
export const ROOT_STATE_DIR = '/var/lib/stocktake';

/** What the config file holds under a setting's key (the schema in config-file.ts is built from it). */
export type SettingType =
  | { kind: 'integer' }
  | { kind: 'string' }
  /** A list: an array of strings in the file, comma-separated in a flag or variable. */
  | { kind: 'list' }
  | { kind: 'one-of'; values: readonly string[] };

export interface DefaultContext {
  /** Root's defaults are absolute paths under /var/lib/stocktake, not under the working directory. */
  asRoot: boolean;
  /** The value another setting has (already decided). */
  settingValue(flag: string): string | undefined;
}

/**
 * One setting of the collector, in its three spellings: the flag (`--snapshot-body-limit`),
 * the environment variable (`STOCKTAKE_SNAPSHOT_BODY_LIMIT`) and the config file's key
 * (`snapshotBodyLimit`: the flag in camelCase, always).
 */
export interface Setting {
  flag: string;
  env: string;
  type: SettingType;
  /**
   * Hidden by `config check`: a secret by its length (an enroll secret, a token), a URL that may
   * carry one in its path by its origin (a webhook), a database URL by all but its password.
   */
  secret?: 'value' | 'url' | 'password';
  default?: string | ((context: DefaultContext) => string | undefined);
}

const integer = { kind: 'integer' } as const;
const string = { kind: 'string' } as const;
const list = { kind: 'list' } as const;

const setting = (flag: string, type: SettingType, rest: Omit<Setting, 'flag' | 'env' | 'type'> = {}): Setting => ({
  flag,
  env: `STOCKTAKE_${flag.toUpperCase().replace(/-/g, '_')}`,
  type,
  ...rest,
});

/** Every setting, in the order `config check` and `--help` show them. */
export const SETTINGS: readonly Setting[] = [
  setting('db', string, {
    // As root (a service, a package), the state directory `service install` and the image use;
    // otherwise beside the working directory, as a checkout's `pnpm collector` always did.
    default: ({ asRoot }) => (asRoot ? `${ROOT_STATE_DIR}/stocktake.db` : './data/stocktake.db'),
    secret: 'password',
  }),
  // Loopback by default: listening on a network is a choice (with TLS or behind a proxy).
  setting('host', string, { default: '127.0.0.1' }),
  setting('port', integer, { default: '8080' }),
  setting('enroll-secret', string, { secret: 'value' }),
  setting('snapshot-body-limit', integer, { default: String(16 * 1024 * 1024) }),
  setting('body-limit', integer, { default: String(1024 * 1024) }),
  setting('csv-body-limit', integer, { default: String(32 * 1024 * 1024) }),
  setting('snapshot-retention-days', integer, { default: '30' }),
  setting('snapshot-thin-after-hours', integer, { default: '24' }),
  setting('min-free-disk', integer, { default: String(DEFAULT_MIN_FREE_BYTES) }),
  // PostgreSQL only: the connections this instance holds, and TLS to the server.
  setting('db-pool-size', integer, { default: String(DEFAULT_POOL_SIZE) }),
  setting('db-ssl-mode', { kind: 'one-of', values: POSTGRES_TLS_MODES }),
  setting('db-ca-file', string),
  setting('log-level', { kind: 'one-of', values: LOG_LEVELS }, { default: 'info' }),
  setting('tls-cert', string),
  setting('tls-key', string),
  setting('trust-proxy', list),
  setting('peer-agents', { kind: 'one-of', values: PEER_ADMISSIONS }, { default: 'off' }),
  setting('peer-networks', list),
  setting('rate-limit', integer, { default: '1200' }),
  setting('enroll-rate-limit', integer, { default: '60' }),
  setting('agent-rate-limit', integer, { default: '60' }),
  setting('agent-byte-limit', integer, {
    // A quarter of the snapshot limit: a full-size snapshot is taken on credit, and its agent
    // then waits four minutes; every body parsed is time the event loop spends on one agent.
    default: ({ settingValue }) =>
      String(Math.floor(Number(settingValue('snapshot-body-limit') ?? 16 * 1024 * 1024) / 4)),
  }),
  setting('csv-row-limit', integer, { default: '200000' }),
  setting('cors-origin', list),
  setting('metrics-token', string, { secret: 'value' }),
  setting('policies', string),
  setting('reconcile-cron', string, { default: DEFAULT_RECONCILE_CRON }),
  // A webhook URL often carries its credential in the path (chat services' incoming hooks).
  setting('webhook-url', string, { secret: 'url' }),
  setting('webhook-min-severity', { kind: 'one-of', values: FINDING_SEVERITIES }),
];

/** `snapshot-body-limit` to `snapshotBodyLimit`: the setting's key in the config file. */
export function fileKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function settingOf(flag: string): Setting {
  const found = SETTINGS.find((s) => s.flag === flag);
  if (!found) throw new Error(`no setting --${flag}`);
  return found;
}
