import {
  formatUsageError,
  parseCommandLine,
  UsageError,
  type UsageHint,
  unknownCommand,
  unknownSubcommand,
} from '@stocktake/shared/cli';
import { runAccessCommand } from './commands/access-commands.ts';
import { cliActor } from './commands/cli-actor.ts';
import { runConfigCheck } from './commands/config-command.ts';
import { backupRefused, runBackupCommand, runRestoreCommand } from './commands/maintenance-commands.ts';
import { runMigrateCommand } from './commands/migrate-command.ts';
import { runReconcileCommand } from './commands/reconcile-command.ts';
import { runRegisterCommand } from './commands/register-commands.ts';
import { runCollectorServiceCommand, SERVICE_ACTIONS, type ServiceAction } from './commands/service-command.ts';
import { runStoreCommand } from './commands/store-commands.ts';
import { readProcessInput, runUserCommand, USER_VERBS } from './commands/user-commands.ts';
import { ConfigError, ensureEnrollSecret, resolveConfigWithOrigins } from './config.ts';
import { ConfigFileError, DEFAULT_CONFIG_PATH, findConfigFile } from './config-file.ts';
import { StorageUnavailableError, StoreUnusableError } from './domain/errors.ts';
import { BackupError } from './domain/maintenance/ports.ts';
import { serve } from './server.ts';
import { COLLECTOR_VERSION } from './version.ts';

const USAGE = `Usage: stocktake-collector <command> [options]

Commands:
  serve                Run the collector (HTTP API for agents and sysadmins)
  enroll-secret        Print the configured enroll secret (created beside the database if needed)
  enroll-secret list [--include-revoked] [--json]
                       Enroll secrets agents may use (fingerprints only)
  enroll-secret rotate [--keep-previous] [--json]
                       Make a new enroll secret (printed once) and revoke the others
  enroll-secret revoke ID|FINGERPRINT
  token create --name NAME --role admin|reader [--json]
                       Make an API token (printed once; stored only as a hash)
  token list [--include-revoked] [--json]
  token revoke NAME|ID Refuse a token from its next request on
  user create --name NAME --role admin|reader [--password-stdin] [--json]
                       Make a person's account; without --password-stdin a password is made
                       and printed once
  user list [--include-disabled] [--json]
  user disable NAME    Refuse the account's logins and end its sessions now
  user reset-password NAME [--password-stdin] [--json]
                       A new password (made and printed once, or read from stdin); ends its sessions
  assets import FILE [--dry-run] [--status-map 'Label=status,...'] [--json]
                       Import a Snipe-IT-format asset CSV (all or nothing; exit 65 if refused)
  assets export [FILE] Write the register as Snipe-IT-format CSV (stdout without FILE)
  licenses import FILE [--dry-run] [--json]
                       Import license entitlements from CSV
  licenses export [FILE]
                       Write license entitlements as CSV
  snapshots prune      Delete raw snapshots past the retention window, and thin older
                       repeats to one per device per day
  devices match        Match every device to the register again
  reconcile [--json]   Run reconciliation once and print its summary (exit 75 while another
                       run is in progress)
  backup FILE          Copy the database to a new FILE, consistently, while the collector keeps
                       serving and ingesting (SQLite's online backup; the copy is checked)
  migrate [--status] [--json]
                       Back the database up beside itself (named after its schema version), then
                       apply the migrations it lacks; --status lists those applied and pending
  store copy --from sqlite:/path --to postgres://… [--replace] [--json]
                       Copy every table of a SQLite store into an empty PostgreSQL database
                       (one transaction), print the rows of each table, then compare both
                       stores table by table (rows and a checksum of every row): exit 1 if
                       they differ. Stop the collector first; the SQLite file must be migrated
  store compare --from sqlite:/path --to postgres://… [--json]
                       Only the comparison: rows and checksums of each table on both stores
  config check         Check the configuration without starting, and print every setting's
                       effective value (secrets hidden) and where it came from
  restore FILE         Put a backup in place of the database, after checking its integrity and
                       schema version; refused while a collector has the database open (exit 75).
                       The database replaced is kept beside it
  service install [--host H --port N --tls-cert F --tls-key F --metrics-token T]
                       Install the collector as a systemd service (as root): settings in
                       /etc/stocktake/collector.json, database in /var/lib/stocktake, its own user
  service uninstall    Remove what install wrote (the database stays)
  service start|stop|status
  version              Print the version

Settings: flags win over environment variables, which win over the config file, which wins
over the defaults. The config file is JSON: each flag below is a key, in camelCase
("snapshotBodyLimit"; lists such as corsOrigin and trustProxy are arrays of strings).
  --config PATH               Config file (STOCKTAKE_CONFIG; default ${DEFAULT_CONFIG_PATH}, read
                              when it exists). An unknown key or a wrong type stops with exit 78
  --db PATH|URL               The database (STOCKTAKE_DB): a SQLite file, as a path or
                              sqlite:/path (default ./data/stocktake.db, or
                              /var/lib/stocktake/stocktake.db when run as root), or PostgreSQL,
                              postgres://user:password@host:5432/database (several collectors
                              may share one; see the README's operations section)
  --db-pool-size N            PostgreSQL: connections this instance holds at most
                              (STOCKTAKE_DB_POOL_SIZE, 10)
  --db-ssl-mode MODE          PostgreSQL: TLS to the server, disable|require|verify-ca|verify-full
                              as libpq's sslmode (STOCKTAKE_DB_SSL_MODE, or the URL's sslmode;
                              default disable for a server on this machine, verify-full otherwise)
  --db-ca-file PATH           PostgreSQL: PEM file of the CA the server's certificate must chain
                              to (STOCKTAKE_DB_CA_FILE, or the URL's sslrootcert; default: the
                              system's CAs)
  --host HOST                 Listen address (STOCKTAKE_HOST, default 127.0.0.1)
  --port N                    Listen port (STOCKTAKE_PORT, default 8080; 0 picks a free one)
  --enroll-secret S           Enroll secret (STOCKTAKE_ENROLL_SECRET; default: generated and
                              stored beside the database on first start)
  --snapshot-body-limit BYTES Largest snapshot accepted (STOCKTAKE_SNAPSHOT_BODY_LIMIT, 16 MiB)
  --body-limit BYTES          Largest body on other routes (STOCKTAKE_BODY_LIMIT, 1 MiB)
  --csv-body-limit BYTES      Largest CSV import, over HTTP or here (STOCKTAKE_CSV_BODY_LIMIT, 32 MiB)
  --snapshot-retention-days N Days raw snapshots are kept (STOCKTAKE_SNAPSHOT_RETENTION_DAYS, 30)
  --snapshot-thin-after-hours N
                              Past this age, a snapshot that repeats its device's previous one
                              of the same day is deleted: changes and one a day are kept
                              (STOCKTAKE_SNAPSHOT_THIN_AFTER_HOURS, 24; 0 keeps every one)
  --min-free-disk BYTES       Free space the database's disk must keep: serve refuses to start
                              below it and /readyz answers 503 (STOCKTAKE_MIN_FREE_DISK, 128 MiB)
  --log-level LEVEL           fatal|error|warn|info|debug|trace|silent (STOCKTAKE_LOG_LEVEL)
  --tls-cert PATH, --tls-key PATH
                              Serve HTTPS with this PEM certificate (chain) and key
                              (STOCKTAKE_TLS_CERT, STOCKTAKE_TLS_KEY); SIGHUP reads them again
  --trust-proxy LIST          Believe X-Forwarded-For from these proxies only: addresses and
                              CIDRs, comma-separated; not true or a hop count, which would
                              believe any client (STOCKTAKE_TRUST_PROXY, off)
  --peer-agents MODE          Reports from OCS Inventory, FusionInventory and GLPI agents at
                              POST /ocsinventory: off, secret (the enroll secret in the path,
                              /ocsinventory/<secret>), network (from --peer-networks) or
                              secret-and-network (STOCKTAKE_PEER_AGENTS, off)
  --peer-networks LIST        Addresses and CIDRs those agents may report from, comma-separated
                              (STOCKTAKE_PEER_NETWORKS)
  --rate-limit N              Requests per minute per API token (STOCKTAKE_RATE_LIMIT, 1200; 0 off)
  --enroll-rate-limit N       Enrolments per minute per client address (STOCKTAKE_ENROLL_RATE_LIMIT,
                              60; 0 off)
  --agent-rate-limit N        Snapshots and deltas per minute per agent (STOCKTAKE_AGENT_RATE_LIMIT,
                              60; 0 off): more get 429 with Retry-After
  --agent-byte-limit BYTES    Bytes of snapshots and deltas per minute per agent
                              (STOCKTAKE_AGENT_BYTE_LIMIT, a quarter of the snapshot limit; 0 off)
  --csv-row-limit N           Most rows in one CSV import, over HTTP or here
                              (STOCKTAKE_CSV_ROW_LIMIT, 200000)
  --cors-origin LIST          Browser origins allowed to call the API, comma-separated
                              (STOCKTAKE_CORS_ORIGIN; none: no CORS)
  --metrics-token TOKEN       Serve GET /metrics (Prometheus) to this bearer token, and to nothing
                              else (STOCKTAKE_METRICS_TOKEN, at least 16 characters; none: no
                              /metrics)
  --policies FILE             Reconciliation policy (JSON), checked and stored at start
                              (STOCKTAKE_POLICIES)
  --reconcile-cron CRON       When reconciliation runs (STOCKTAKE_RECONCILE_CRON,
                              default "*/15 * * * *"; "off" for never)
  --webhook-url URL           POST newly opened findings here (STOCKTAKE_WEBHOOK_URL)
  --webhook-min-severity S    info|low|medium|high|critical (STOCKTAKE_WEBHOOK_MIN_SEVERITY,
                              default high)
  --from PATH, --to URL       (store) the SQLite file copied from and the PostgreSQL database copied
                              into (--db-ssl-mode and --db-ca-file apply to it)
  --replace                   (store copy) empty a PostgreSQL database that holds rows first, in the
                              copy's transaction, instead of refusing it (exit 73)
  --status                    (migrate) list the migrations applied and pending; change nothing
  --dry-run                   (imports) show what would change, write nothing
  --status-map MAP            (assets import) status labels of your own, 'Pending Diagnostics=in_repair,
                              Undeployable=retired', over those the policy keeps
  --json                      (imports, reconcile, token, enroll-secret, user) print the outcome as JSON
  --name NAME, --role ROLE    (token create, user create) the name, recorded as the actor of its writes,
                              and its role: reader (GET) or admin (everything)
  --include-revoked           (token list, enroll-secret list) show revoked ones too
  --include-disabled          (user list) show disabled accounts too
  --password-stdin            (user create, user reset-password) read the password from standard
                              input (one line) instead of making one; never from a flag, which
                              shell history and process listings would keep
  --keep-previous             (enroll-secret rotate) leave the other secrets live
  --root DIR                  (service) write under DIR instead of /, and print the systemctl
                              commands instead of running them (packaging, checks)

Register changes from the command line are audited as cli:<your user name>; API writes as the
name of the token that made them, or as user:<name> for a person logged in.

Every command checks the database before using it (SQLite's quick_check, the schema version,
a writable directory, free space) and exits 78 with one line saying what is wrong: a bad
setting, a database from a newer version, a damaged file, a read-only directory, a full disk.
A database another process keeps locked for more than 5 s is exit 75, to try again later.
serve migrates an older database after backing it up beside itself; the other commands that
use the database (all but migrate, backup and restore) refuse one that needs migrating.
`;

const PROGRAM = 'stocktake-collector';
const HINT: UsageHint = { usage: `${PROGRAM} <command> [options]`, help: `${PROGRAM} --help` };

/** Every command and the subcommands it takes (none: the command runs alone). */
const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  serve: [],
  'enroll-secret': ['list', 'rotate', 'revoke'],
  token: ['create', 'list', 'revoke'],
  user: USER_VERBS,
  assets: ['import', 'export'],
  licenses: ['import', 'export'],
  snapshots: ['prune'],
  devices: ['match'],
  reconcile: [],
  migrate: [],
  store: ['copy', 'compare'],
  config: ['check'],
  backup: [],
  restore: [],
  service: SERVICE_ACTIONS,
  version: [],
};

/** Commands that act on one file, named after them. */
const FILE_COMMANDS: readonly string[] = ['backup', 'restore'];

const OPTIONS = {
  config: { type: 'string' },
  db: { type: 'string' },
  'db-pool-size': { type: 'string' },
  'db-ssl-mode': { type: 'string' },
  'db-ca-file': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'enroll-secret': { type: 'string' },
  'snapshot-body-limit': { type: 'string' },
  'body-limit': { type: 'string' },
  'min-free-disk': { type: 'string' },
  'log-level': { type: 'string' },
  'csv-body-limit': { type: 'string' },
  'snapshot-retention-days': { type: 'string' },
  'snapshot-thin-after-hours': { type: 'string' },
  policies: { type: 'string' },
  'reconcile-cron': { type: 'string' },
  'webhook-url': { type: 'string' },
  'webhook-min-severity': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'peer-agents': { type: 'string' },
  'peer-networks': { type: 'string' },
  'rate-limit': { type: 'string' },
  'enroll-rate-limit': { type: 'string' },
  'agent-rate-limit': { type: 'string' },
  'agent-byte-limit': { type: 'string' },
  'csv-row-limit': { type: 'string' },
  'cors-origin': { type: 'string' },
  'metrics-token': { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  'include-revoked': { type: 'boolean' },
  'include-disabled': { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
  'keep-previous': { type: 'boolean' },
  root: { type: 'string' },
  status: { type: 'boolean' },
  from: { type: 'string' },
  to: { type: 'string' },
  replace: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'status-map': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The command's words checked against the table: its subcommand (a typo named with the one
 * meant) and at most one argument after it (the file, token or secret it acts on).
 */
function checkWords(positionals: readonly string[]): void {
  const [command = '', verb, , extra] = positionals;
  const verbs = COMMANDS[command];
  if (verbs === undefined) throw unknownCommand(command, Object.keys(COMMANDS), HINT);
  if (FILE_COMMANDS.includes(command)) {
    if (verb === undefined) throw new UsageError(`${command} needs a FILE`, HINT);
    if (positionals[2] !== undefined) throw new UsageError(`unexpected argument "${positionals[2]}"`, HINT);
    return;
  }
  // service's actions take no argument; the other subcommands at most one (a file, token or secret).
  const unexpected = verbs.length === 0 ? verb : command === 'service' ? positionals[2] : extra;
  if (unexpected !== undefined) throw new UsageError(`unexpected argument "${unexpected}"`, HINT);
  if (verbs.length === 0) return;
  if (verb === undefined) {
    // Alone, enroll-secret prints the configured secret.
    if (command === 'enroll-secret') return;
    throw new UsageError(`${command} needs a command: ${verbs.join(', ')}`, HINT);
  }
  if (!verbs.includes(verb)) throw unknownSubcommand(command, verb, verbs, HINT);
}

/** store copies from a SQLite file to a PostgreSQL database: both must be named, each the right engine. */
function checkStoreFlags(from: unknown, to: unknown): void {
  if (typeof from !== 'string' || from.replace(/^sqlite:/i, '') === '') {
    throw new UsageError('store needs --from sqlite:/path/to/stocktake.db, the SQLite file to copy', HINT);
  }
  if (/^postgres(ql)?:/i.test(from))
    throw new UsageError('--from is the SQLite file (sqlite:/path); copies go from SQLite to PostgreSQL', HINT);
  if (typeof to !== 'string' || to === '') throw new UsageError('store needs --to postgres://user@host/database', HINT);
  if (!/^postgres(ql)?:/i.test(to)) throw new UsageError(`--to is a PostgreSQL URL (postgres://…), not "${to}"`, HINT);
}

/** What PostgreSQL does itself, said instead of a SQLite file operation (EX_CONFIG: a person must choose). */
const ON_POSTGRES: Record<string, string> = {
  migrate: 'PostgreSQL is migrated when a collector opens it (serve), under a lock; take a pg_dump first',
  backup: "back PostgreSQL up with the server's tools (pg_dump, or a replica's base backup and WAL archive)",
  restore: "restore PostgreSQL with the server's tools (pg_restore, or a base backup and WAL)",
};

function sqliteOnly(command: string, io: Io): number {
  io.err(`stocktake-collector: ${command} works on a SQLite file, and --db is PostgreSQL: ${ON_POSTGRES[command]}\n`);
  return 78;
}

/** Where the command line writes: the process's stdout and stderr, or a test's buffers. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const PROCESS_IO: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** What the configuration is read from besides the command line: this process's, or a test's. */
export interface Host {
  env: NodeJS.ProcessEnv;
  /** Root's defaults are absolute paths under /var/lib/stocktake. */
  uid: number | undefined;
  /** The config file read when neither --config nor STOCKTAKE_CONFIG names one. */
  configPath: string;
  /** Standard input, read to its end (a password given with --password-stdin); the process's when absent. */
  readInput?: () => Promise<string>;
}

/** This process's, read when a command runs (tests change process.env between runs). */
const processHost = (): Host => ({ env: process.env, uid: process.getuid?.(), configPath: DEFAULT_CONFIG_PATH });

/**
 * One invocation of `stocktake-collector`: the exit code, or -1 while `serve` keeps a server
 * running.
 */
export async function main(argv: readonly string[], io: Io = PROCESS_IO, host: Host = processHost()): Promise<number> {
  try {
    return await run(argv, io, host);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(formatUsageError(PROGRAM, err.message, err.hint));
    return err.exitCode;
  }
}

async function run(argv: readonly string[], io: Io, host: Host): Promise<number> {
  const parsed = parseCommandLine(argv, OPTIONS, HINT);
  const [command] = parsed.positionals;
  if (parsed.values.help) {
    io.out(USAGE);
    return 0;
  }
  if (command === undefined) throw new UsageError('a command is needed', HINT);
  checkWords(parsed.positionals);
  try {
    const {
      'dry-run': dryRun,
      json,
      help: _help,
      name,
      role,
      'include-revoked': includeRevoked,
      'include-disabled': includeDisabled,
      'password-stdin': passwordStdin,
      'keep-previous': keepPrevious,
      'status-map': statusMap,
      root,
      status,
      from,
      to,
      replace,
      config: configFlag,
      ...flags
    } = parsed.values;
    if (command === 'store') checkStoreFlags(from, to);
    const file = findConfigFile(configFlag, host.env, host.configPath);
    // store's database is the one it copies into: --to is read, and checked, as --db would be.
    const storeTarget = command === 'store' ? { db: to } : {};
    const resolved = resolveConfigWithOrigins(
      { ...flags, ...storeTarget } as Record<string, string | undefined>,
      host.env,
      {
        ...(file ? { file } : {}),
        asRoot: host.uid === 0,
      },
    );
    const { config } = resolved;
    // Each command is awaited (return await), so that the catch below sees a database it refuses.
    switch (command) {
      case 'serve': {
        const { url } = await serve(config);
        io.err(`stocktake-collector ${COLLECTOR_VERSION} listening on ${url}\n`);
        return -1;
      }
      case 'token':
      case 'enroll-secret': {
        const [, verb, ref] = parsed.positionals;
        // Only enroll-secret may come without a subcommand (checkWords refused the others).
        if (verb === undefined) {
          const { secret, path } = ensureEnrollSecret(config);
          io.out(`${secret}\n`);
          if (path) io.err(`(stored in ${path})\n`);
          return 0;
        }
        return await runAccessCommand(
          config.database,
          {
            noun: command,
            verb,
            ...(ref ? { ref } : {}),
            ...(typeof name === 'string' ? { name } : {}),
            ...(typeof role === 'string' ? { role } : {}),
            includeRevoked: includeRevoked === true,
            keepPrevious: keepPrevious === true,
            json: json === true,
            actor: cliActor(),
          },
          io,
        );
      }
      case 'user': {
        const [, verb = '', ref] = parsed.positionals;
        return await runUserCommand(
          config.database,
          {
            verb,
            ...(ref ? { ref } : {}),
            ...(typeof name === 'string' ? { name } : {}),
            ...(typeof role === 'string' ? { role } : {}),
            passwordStdin: passwordStdin === true,
            includeDisabled: includeDisabled === true,
            json: json === true,
            actor: cliActor(),
          },
          io,
          host.readInput ?? readProcessInput,
        );
      }
      case 'assets':
      case 'licenses':
      case 'snapshots':
      case 'devices': {
        const [, verb = '', file] = parsed.positionals;
        return await runRegisterCommand(
          config.database,
          {
            noun: command,
            verb,
            ...(file ? { file } : {}),
            dryRun: dryRun === true,
            json: json === true,
            ...(statusMap !== undefined ? { statusMap } : {}),
            retentionDays: config.snapshotRetentionDays,
            thinAfterHours: config.snapshotThinAfterHours,
            csvLimits: { maxBytes: config.csvBodyLimit, maxRows: config.csvRowLimit },
          },
          io,
        );
      }
      case 'reconcile':
        return await runReconcileCommand(config, { json: json === true }, io);
      case 'migrate':
        if (typeof config.database !== 'string') return sqliteOnly(command, io);
        return await runMigrateCommand(config.dbPath, { status: status === true, json: json === true }, io);
      case 'store': {
        if (typeof config.database === 'string') throw new UsageError('--to is a PostgreSQL URL (postgres://…)', HINT);
        return await runStoreCommand(
          {
            verb: parsed.positionals[1] as 'copy' | 'compare',
            from: (from as string).replace(/^sqlite:/i, ''),
            to: config.database,
            replace: replace === true,
            json: json === true,
          },
          io,
        );
      }
      case 'config':
        return runConfigCheck(resolved, io);
      case 'backup':
      case 'restore': {
        const file = parsed.positionals[1] as string;
        if (typeof config.database !== 'string') return sqliteOnly(command, io);
        return command === 'backup'
          ? await runBackupCommand(config.dbPath, file, io)
          : await runRestoreCommand(config.dbPath, file, io);
      }
      case 'service':
        return await runCollectorServiceCommand(
          {
            action: parsed.positionals[1] as ServiceAction,
            config,
            ...(typeof root === 'string' ? { root } : {}),
          },
          io,
        );
      case 'version':
        io.out(`${COLLECTOR_VERSION}\n`);
        return 0;
      default:
        throw unknownCommand(command, Object.keys(COMMANDS), HINT);
    }
  } catch (err) {
    // EX_CONFIG: nothing to retry until a person changes the setting, the file or the disk.
    if (err instanceof ConfigError || err instanceof ConfigFileError || err instanceof StoreUnusableError) {
      io.err(`stocktake-collector: ${err.message}\n`);
      return 78;
    }
    // EX_TEMPFAIL: the database was locked by another process; the same command may work later.
    if (err instanceof StorageUnavailableError) {
      io.err(`stocktake-collector: ${err.message}\n`);
      return 75;
    }
    // serve backs the database up before migrating it: no backup, no start.
    if (err instanceof BackupError) return backupRefused(err, io);
    throw err;
  }
}
