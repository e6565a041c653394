import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfigPath, loadConfig } from './load.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(content: unknown): string {
  const path = join(dir, 'agent.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const load = (config: string, env: NodeJS.ProcessEnv = {}, flags = {}) =>
  loadConfig({ config, ...flags }, env, { requireServer: true });

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads the file service install writes and fills in the defaults', () => {
    const path = file({ server: 'https://stocktake.example.org', enrollSecret: 's3cret' });
    const config = load(path, { STOCKTAKE_STATE_DIR: '/var/lib/st' });
    expect(config).toEqual({
      server: 'https://stocktake.example.org',
      enrollSecret: 's3cret',
      stateDir: '/var/lib/st',
      hostRoot: '/',
      logLevel: 'warn',
      collectorTimeoutMs: 60_000,
      liveChannel: true,
      schedule: {
        inventory: '0 * * * *',
        splayMs: 300_000,
        runAtStart: true,
        heartbeatMs: 60_000,
        fullEveryMs: 86_400_000,
      },
      spool: { maxEntries: 1000, maxBytes: 50 * 1024 * 1024 },
      retry: { minMs: 10_000, maxMs: 900_000 },
      metering: { enabled: true, sampleMs: 300_000 },
      network: {},
      file: path,
    });
  });

  it('lets the environment override the file, and flags override both', () => {
    const path = file({
      server: 'https://a.example',
      schedule: { inventory: '*/5 * * * *', splaySeconds: 0 },
      hostRoot: '/host',
      liveChannel: true,
    });
    const env = { STOCKTAKE_SERVER: 'https://b.example', STOCKTAKE_SCHEDULE: '0 3 * * *', STOCKTAKE_LIVE_CHANNEL: '0' };
    const fromEnv = load(path, env);
    expect(fromEnv.server).toBe('https://b.example');
    expect(fromEnv.schedule.inventory).toBe('0 3 * * *');
    expect(fromEnv.schedule.splayMs).toBe(0);
    expect(fromEnv.liveChannel).toBe(false);
    expect(fromEnv.hostRoot).toBe('/host');
    const fromFlags = load(path, env, { server: 'http://c.example:8080', hostRoot: '/mnt/host' });
    expect(fromFlags.server).toBe('http://c.example:8080');
    expect(fromFlags.hostRoot).toBe('/mnt/host');
  });

  it('names an unknown key, even a nested one', () => {
    const path = file({ server: 'https://a.example', schedule: { inventroy: '0 * * * *' } });
    expect(errorOf(() => load(path))).toBe(`config file ${path}: schedule.inventroy: unknown key`);
    const top = file({ server: 'https://a.example', sever: 'x' });
    expect(errorOf(() => load(top))).toBe(`config file ${top}: sever: unknown key`);
  });

  it('names a key of the wrong type or out of range', () => {
    const path = file({ server: 'https://a.example', spool: { maxEntries: 0 }, retry: { minSeconds: 'soon' } });
    const message = errorOf(() => load(path));
    expect(message).toContain('spool.maxEntries:');
    expect(message).toContain('retry.minSeconds:');
  });

  it('names a bad cron expression and where it came from', () => {
    const path = file({ server: 'https://a.example', schedule: { inventory: 'hourly' } });
    expect(errorOf(() => load(path))).toMatch(
      /^config file .*: schedule\.inventory: "hourly" is not a cron expression/,
    );
    const ok = file({ server: 'https://a.example' });
    expect(errorOf(() => load(ok, { STOCKTAKE_SCHEDULE: '61 * * * *' }))).toMatch(
      /^STOCKTAKE_SCHEDULE: "61 \* \* \* \*" is not a cron/,
    );
    expect(load(ok, { STOCKTAKE_SCHEDULE: '*/3 * * * * *' }).schedule.inventory).toBe('*/3 * * * * *');
  });

  it('names a server that is not an http URL, and a missing one', () => {
    expect(errorOf(() => load(file({ server: 'ftp://x' })))).toMatch(/: server: "ftp:\/\/x" is not an http/);
    expect(errorOf(() => load(file({}), { STOCKTAKE_SERVER: 'nope' }))).toMatch(/^STOCKTAKE_SERVER: "nope"/);
    expect(errorOf(() => load(file({})))).toMatch(/^no collector URL: set "server" in .*agent\.json, STOCKTAKE_SERVER/);
  });

  it('says when the file is missing, unreadable JSON, or not an object', () => {
    expect(errorOf(() => load(join(dir, 'absent.json')))).toMatch(/absent\.json does not exist$/);
    expect(errorOf(() => load(file('{ "server": ')))).toMatch(/is not valid JSON/);
    expect(errorOf(() => load(file('[]')))).toMatch(/\(the whole file\)/);
  });

  it('refuses a log level or live-channel switch it does not know', () => {
    const path = file({ server: 'https://a.example' });
    expect(errorOf(() => load(path, { STOCKTAKE_LOG_LEVEL: 'loud' }))).toMatch(/^STOCKTAKE_LOG_LEVEL: "loud"/);
    expect(errorOf(() => load(path, { STOCKTAKE_LIVE_CHANNEL: 'maybe' }))).toMatch(/^STOCKTAKE_LIVE_CHANNEL/);
    expect(errorOf(() => load(file({ server: 'https://a.example', logLevel: 'loud' })))).toMatch(/logLevel:/);
  });

  it('refuses retry bounds the wrong way round', () => {
    const path = file({ server: 'https://a.example', retry: { minSeconds: 60, maxSeconds: 5 } });
    expect(errorOf(() => load(path))).toMatch(/retry\.maxSeconds: 5 is less than retry\.minSeconds \(60\)/);
  });

  it('reads the CA bundle and proxy settings, flag over variable over file, and names a bad one', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, rootCertificates[0] ?? '');
    const path = file({
      server: 'https://a.example',
      caFile: ca,
      proxy: 'http://proxy.example:3128',
      noProxy: 'b.example',
    });
    const config = load(path, { HTTPS_PROXY: 'http://machine:8080' });
    expect(config.network.caFile).toBe(ca);
    expect(config.network.ca?.at(-1)).toBe(rootCertificates[0]);
    expect(config.network.proxy).toEqual({ url: 'http://proxy.example:3128/', origin: `config file ${path}: proxy` });
    expect(load(path, {}, { noProxy: 'a.example' }).network.proxy).toBeUndefined();
    expect(
      load(file({ server: 'https://a.example' }), { HTTPS_PROXY: 'http://machine:8080' }).network.proxy?.origin,
    ).toBe('HTTPS_PROXY');
    expect(errorOf(() => load(path, { STOCKTAKE_CA_FILE: join(dir, 'none.pem') }))).toBe(
      `STOCKTAKE_CA_FILE: cannot read CA bundle ${join(dir, 'none.pem')}: ENOENT`,
    );
    expect(errorOf(() => load(path, {}, { caFile: path }))).toMatch(/^--ca-file: .* holds no PEM certificate/);
    expect(errorOf(() => load(file({ server: 'https://a.example', proxy: 'socks5://p:1080' })))).toMatch(
      /^config file .*agent\.json: proxy: "socks5:\/\/p:1080" is not an http:\/\/ or https:\/\/ proxy URL/,
    );
  });

  it('looks where service install writes on each OS', () => {
    expect(defaultConfigPath('linux')).toBe('/etc/stocktake/agent.json');
    expect(defaultConfigPath('darwin')).toBe('/Library/Application Support/Stocktake/agent.json');
    expect(defaultConfigPath('win32', { ProgramData: 'C:\\ProgramData' })).toBe(
      'C:\\ProgramData\\Stocktake\\agent.json',
    );
    expect(defaultConfigPath('freebsd')).toBeUndefined();
  });
});
