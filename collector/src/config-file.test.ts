import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfigWithOrigins } from './config.ts';
import { ConfigFileError, findConfigFile, readConfigFile } from './config-file.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-collector-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(content: unknown, name = 'collector.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigFileError || err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a configuration error');
}

describe('the collector config file', () => {
  it('reads every setting under its flag’s name in camelCase, lists as arrays', () => {
    const path = file({
      db: '/srv/stocktake/stocktake.db',
      port: 8443,
      snapshotBodyLimit: 4 * 1024 * 1024,
      corsOrigin: ['https://a.example.org', 'https://b.example.org'],
      trustProxy: ['10.0.0.0/8'],
      logLevel: 'warn',
      webhookMinSeverity: 'critical',
    });
    const { config } = resolveConfigWithOrigins({}, {}, { file: readConfigFile(path, true) });
    expect(config).toMatchObject({
      dbPath: '/srv/stocktake/stocktake.db',
      port: 8443,
      snapshotBodyLimit: 4 * 1024 * 1024,
      // Derived from the file's snapshot limit, as it is from a flag's.
      agentByteLimit: 1024 * 1024,
      corsOrigins: ['https://a.example.org', 'https://b.example.org'],
      trustProxy: '10.0.0.0/8',
      logLevel: 'warn',
      reconciliation: { webhookMinSeverity: 'critical' },
    });
  });

  it('names an unknown key in one line, with the keys it knows', () => {
    const path = file({ port: 8080, snapshotBodyLimt: 1 });
    const message = messageOf(() => readConfigFile(path, true));
    expect(message).toMatch(
      new RegExp(`^config file ${path}: unknown key "snapshotBodyLimt" \\(known keys: db, host, port, `),
    );
    expect(message).not.toContain('\n');
  });

  it('names a wrong type with its path and the type expected', () => {
    expect(messageOf(() => readConfigFile(file({ port: '8080' }), true))).toBe(
      `config file ${join(dir, 'collector.json')}: "port" must be a whole number, not "8080"`,
    );
    expect(messageOf(() => readConfigFile(file({ corsOrigin: ['https://a.example', 3] }), true))).toBe(
      `config file ${join(dir, 'collector.json')}: "corsOrigin.1" must be a string, not 3`,
    );
    expect(messageOf(() => readConfigFile(file({ logLevel: 'loud' }), true))).toBe(
      `config file ${join(dir, 'collector.json')}: "logLevel" must be one of fatal, error, warn, info, debug, trace, silent, not "loud"`,
    );
    expect(messageOf(() => readConfigFile(file({ port: 1, host: 7 }), true))).toBe(
      `config file ${join(dir, 'collector.json')}: "host" must be a string, not 7`,
    );
  });

  it('refuses what is not one JSON object, and a file asked for that is not there', () => {
    expect(messageOf(() => readConfigFile(file('{ "port": 8080, }'), true))).toMatch(
      new RegExp(`^config file ${join(dir, 'collector.json')} is not valid JSON: `),
    );
    expect(messageOf(() => readConfigFile(file('[8080]'), true))).toBe(
      `config file ${join(dir, 'collector.json')}: the file must hold one JSON object ({ "port": 8080, ... })`,
    );
    expect(messageOf(() => findConfigFile(join(dir, 'nope.json'), {}))).toBe(
      `config file ${join(dir, 'nope.json')} does not exist`,
    );
    expect(messageOf(() => findConfigFile(undefined, { STOCKTAKE_CONFIG: join(dir, 'nope.json') }))).toBe(
      `config file ${join(dir, 'nope.json')} does not exist`,
    );
    // The default file is read when it is there, and its absence is no error.
    expect(findConfigFile(undefined, {}, join(dir, 'absent.json'))).toBeUndefined();
  });

  it('names the file and key of a value its range refuses', () => {
    const path = file({ port: 70000 });
    expect(messageOf(() => resolveConfigWithOrigins({}, {}, { file: readConfigFile(path, true) }))).toBe(
      `invalid port: 70000 is outside 0..65535 (config file ${path}: port)`,
    );
  });

  it('takes flags over the environment, the environment over the file, the file over the defaults', () => {
    const path = file({ port: 9001, host: '0.0.0.0', rateLimit: 10, logLevel: 'debug' });
    const sources = { file: readConfigFile(path, true) };
    const { config, origins } = resolveConfigWithOrigins(
      { port: '9003' },
      { STOCKTAKE_PORT: '9002', STOCKTAKE_RATE_LIMIT: '20' },
      sources,
    );
    expect([config.port, config.rateLimit, config.host, config.logLevel, config.enrollRateLimit]).toEqual([
      9003,
      20,
      '0.0.0.0',
      'debug',
      60,
    ]);
    expect(origins.get('port')).toEqual({ from: 'flag', label: '--port' });
    expect(origins.get('rate-limit')).toEqual({ from: 'env', label: 'STOCKTAKE_RATE_LIMIT' });
    expect(origins.get('host')).toEqual({ from: 'file', label: `${path}: host`, path });
    expect(origins.get('enroll-rate-limit')).toEqual({ from: 'default', label: 'default' });
  });

  it('defaults the database to /var/lib/stocktake as root, and beside the working directory otherwise', () => {
    expect(resolveConfigWithOrigins({}, {}, { asRoot: true }).config.dbPath).toBe('/var/lib/stocktake/stocktake.db');
    expect(resolveConfigWithOrigins({}, {}, { asRoot: false }).config.dbPath).toBe('./data/stocktake.db');
    expect(resolveConfigWithOrigins({}, {}).config.dbPath).toBe('./data/stocktake.db');
  });
});

describe('the README’s config file', () => {
  it('is one the collector accepts, as the README shows it', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The config file'));
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const path = file(example ?? '');
    const { config } = resolveConfigWithOrigins({}, {}, { file: readConfigFile(path, true) });
    expect(config).toMatchObject({ dbPath: '/var/lib/stocktake/stocktake.db', port: 8443, host: '0.0.0.0' });
  });
});

describe('admitting other inventory agents', () => {
  const peers = (flags: Record<string, string>, env: Record<string, string> = {}) =>
    resolveConfigWithOrigins(flags, env).config.peerAgents;

  it('is off until configured', () => {
    expect(peers({})).toEqual({ admission: 'off', networks: [] });
  });

  it('takes the mode and the networks from flags, the environment or the file', () => {
    expect(peers({ 'peer-agents': 'secret' })).toEqual({ admission: 'secret', networks: [] });
    expect(peers({}, { STOCKTAKE_PEER_AGENTS: 'network', STOCKTAKE_PEER_NETWORKS: '10.20.0.0/16, 192.0.2.7' })).toEqual(
      { admission: 'network', networks: ['10.20.0.0/16', '192.0.2.7'] },
    );
  });

  it.each([
    [{ 'peer-agents': 'everyone' }, /peer-agents.*not one of off, secret, network, secret-and-network/],
    [{ 'peer-agents': 'network' }, /peer-networks.*none is/],
    [{ 'peer-agents': 'network', 'peer-networks': '10.0.0.0/33' }, /not an address or CIDR range/],
    [{ 'peer-agents': 'network', 'peer-networks': '0.0.0.0/0' }, /every address/],
  ])('refuses %o', (flags, message) => {
    expect(() => peers(flags)).toThrow(ConfigError);
    expect(() => peers(flags)).toThrow(message);
  });
});

describe('the database setting', () => {
  const resolve = (flags: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
    resolveConfigWithOrigins(flags, env).config;

  it('takes a bare path or sqlite:/path as the SQLite file, as before', () => {
    expect(resolve({ db: '/var/lib/stocktake/stocktake.db' })).toMatchObject({
      dbPath: '/var/lib/stocktake/stocktake.db',
      database: '/var/lib/stocktake/stocktake.db',
    });
    expect(resolve({ db: 'sqlite:/srv/st.db' })).toMatchObject({ dbPath: '/srv/st.db', database: '/srv/st.db' });
    expect(messageOf(() => resolve({ db: 'sqlite:' }))).toMatch(/^invalid db: sqlite: needs a file path/);
  });

  it('takes a PostgreSQL URL from the flag, the variable or the file, with its pool and TLS', () => {
    expect(resolve({ db: 'postgres://st:pw@db.example.org:5432/stocktake' }).database).toEqual({
      engine: 'postgres',
      url: 'postgres://st:pw@db.example.org:5432/stocktake',
      poolSize: 10,
      tls: { mode: 'verify-full' },
    });
    expect(resolve({}, { STOCKTAKE_DB: 'postgresql://st@127.0.0.1/st', STOCKTAKE_DB_POOL_SIZE: '4' }).database).toEqual(
      {
        engine: 'postgres',
        url: 'postgresql://st@127.0.0.1/st',
        poolSize: 4,
        tls: { mode: 'disable' },
      },
    );
    const fromFile = resolveConfigWithOrigins(
      {},
      {},
      { file: readConfigFile(file({ db: 'postgres://st@db/st', dbSslMode: 'require', dbPoolSize: 3 }), true) },
    ).config.database;
    expect(fromFile).toEqual({ engine: 'postgres', url: 'postgres://st@db/st', poolSize: 3, tls: { mode: 'require' } });
  });

  it("reads libpq's sslmode and sslrootcert from the URL, and hands the driver a URL without them", () => {
    const ca = file('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'ca.pem');
    const config = resolve({ db: `postgres://st@db/st?sslmode=verify-ca&sslrootcert=${ca}&application_name=x` });
    expect(config.database).toEqual({
      engine: 'postgres',
      url: 'postgres://st@db/st?application_name=x',
      poolSize: 10,
      tls: { mode: 'verify-ca', caFile: ca },
    });
  });

  it('refuses, naming what is wrong, a URL or TLS setting it cannot use', () => {
    const ca = file('not a certificate', 'ca.pem');
    const cases: [Record<string, string>, RegExp][] = [
      [{ db: 'postgres://st@db' }, /^invalid db: the PostgreSQL URL names no database/],
      [{ db: 'postgres:///st' }, /^invalid db: the PostgreSQL URL names no host/],
      [{ db: 'postgres://st@db/st?sslcert=/x' }, /parameter "sslcert" is not one the collector reads/],
      [
        { db: 'postgres://st@db/st', 'db-ssl-mode': 'prefer' },
        /^invalid db-ssl-mode: "prefer" .*fall back to plain text/,
      ],
      [
        { db: 'postgres://st@db/st?sslmode=require', 'db-ssl-mode': 'disable' },
        /differs from the URL's sslmode=require/,
      ],
      [
        { db: 'postgres://st@db/st', 'db-ca-file': join(dir, 'none.pem') },
        /^invalid db-ca-file: .*none\.pem cannot be read \(ENOENT\)/,
      ],
      [{ db: 'postgres://st@db/st', 'db-ca-file': ca }, /^invalid db-ca-file: .* holds no PEM certificate/],
      [{ db: 'postgres://st@db/st', 'db-pool-size': '1' }, /^invalid db-pool-size: 1 is outside 2\.\.1000/],
      [{ db: '/srv/st.db', 'db-ssl-mode': 'require' }, /^invalid db-ssl-mode: is for a PostgreSQL database/],
    ];
    for (const [flags, expected] of cases) expect(messageOf(() => resolve(flags))).toMatch(expected);
  });
});

describe('the README’s PostgreSQL config file', () => {
  it('is one the collector accepts, as the README shows it, but for the CA file it names', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Several collectors on PostgreSQL'));
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '{}') as Record<string, unknown>;
    const ca = file('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'db-ca.pem');
    expect(example.dbCaFile).toBe('/etc/stocktake/db-ca.pem');
    const path = file({ ...example, dbCaFile: ca });
    const { config } = resolveConfigWithOrigins({}, {}, { file: readConfigFile(path, true) });
    expect(config.database).toEqual({
      engine: 'postgres',
      url: 'postgres://stocktake:CHANGE-ME@db.example.org:5432/stocktake',
      poolSize: 10,
      tls: { mode: 'verify-full', caFile: ca },
    });
    expect(config).toMatchObject({ enrollSecret: 'the-same-on-every-instance', trustProxy: '10.0.0.0/8' });
  });
});
