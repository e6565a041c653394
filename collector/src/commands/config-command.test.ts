import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Host, main } from '../command-line.ts';
import { openSqliteStores } from '../store/sqlite/stores.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-config-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function collector(args: string[], host: Partial<Host> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    {
      out: (text) => {
        stdout += text;
      },
      err: (text) => {
        stderr += text;
      },
    },
    { env: {}, uid: 1000, configPath: join(dir, 'default.json'), ...host },
  );
  return { code, stdout, stderr };
}

/** The line `config check` prints for one key. */
const lineOf = (stdout: string, key: string) =>
  stdout
    .split('\n')
    .find((line) => line.startsWith(`${key} `))
    ?.trim();

describe('stocktake-collector config check', () => {
  it('prints every effective setting, secrets hidden, and where each came from', async () => {
    const path = join(dir, 'collector.json');
    writeFileSync(
      path,
      JSON.stringify({
        port: 9001,
        host: '0.0.0.0',
        enrollSecret: 'file-secret-123',
        webhookUrl: 'https://hooks.example.org/services/T000/B000/XXXX',
      }),
    );
    const run = await collector(['config', 'check', '--config', path, '--port', '9003'], {
      env: { STOCKTAKE_METRICS_TOKEN: 'metrics-token-0123456789', STOCKTAKE_RATE_LIMIT: '20' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`config file: ${path}`);
    expect(lineOf(run.stdout, 'port')).toMatch(/^port\s+9003 {2}\(flag --port\)$/);
    expect(lineOf(run.stdout, 'rateLimit')).toMatch(/^rateLimit\s+20 {2}\(environment STOCKTAKE_RATE_LIMIT\)$/);
    expect(lineOf(run.stdout, 'host')).toMatch(new RegExp(`^host\\s+0\\.0\\.0\\.0 {2}\\(file ${path}: host\\)$`));
    expect(lineOf(run.stdout, 'db')).toMatch(/^db\s+\.\/data\/stocktake\.db {2}\(default\)$/);
    expect(lineOf(run.stdout, 'enrollSecret')).toMatch(/^enrollSecret\s+\(secret, 15 characters\) {2}\(file /);
    expect(lineOf(run.stdout, 'metricsToken')).toMatch(/^metricsToken\s+\(secret, 24 characters\) {2}\(environment/);
    expect(lineOf(run.stdout, 'webhookUrl')).toMatch(
      /^webhookUrl\s+https:\/\/hooks\.example\.org\/… \(path and query hidden\)/,
    );
    expect(lineOf(run.stdout, 'policies')).toMatch(/^policies\s+- {2}\(not set\)$/);
    for (const secret of ['file-secret-123', 'metrics-token-0123456789', 'T000'])
      expect(run.stdout).not.toContain(secret);
    expect(run.stdout.endsWith('the configuration is valid\n')).toBe(true);
  });

  it('reads the default file when there is one, and gives root its absolute defaults', async () => {
    writeFileSync(join(dir, 'default.json'), JSON.stringify({ port: 8443 }));
    const run = await collector(['config', 'check'], { uid: 0 });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`config file: ${join(dir, 'default.json')}`);
    expect(lineOf(run.stdout, 'db')).toMatch(/^db\s+\/var\/lib\/stocktake\/stocktake\.db {2}\(default, as root\)$/);
    const none = await collector(['config', 'check'], { configPath: join(dir, 'absent.json') });
    expect(none.stdout.split('\n')[0]).toBe('config file: none (flags, environment and defaults only)');
  });

  it('refuses an unknown key or a wrong type in one line, exit 78; serve refuses it the same way', async () => {
    const path = join(dir, 'collector.json');
    writeFileSync(path, JSON.stringify({ port: 8080, prot: 8081 }));
    const check = await collector(['config', 'check', '--config', path]);
    expect(check).toMatchObject({ code: 78, stdout: '' });
    expect(check.stderr).toMatch(
      new RegExp(`^stocktake-collector: config file ${path}: unknown key "prot" \\(known keys: [^\\n]+\\)\\n$`),
    );
    writeFileSync(path, JSON.stringify({ port: true }));
    const serve = await collector(['serve'], { env: { STOCKTAKE_CONFIG: path } });
    expect(serve).toEqual({
      code: 78,
      stdout: '',
      stderr: `stocktake-collector: config file ${path}: "port" must be a whole number, not true\n`,
    });
  });

  it('lets root’s admin commands find the service’s database through the config file, without --db', async () => {
    // The README's `sudo stocktake-collector token create --name alice --role admin`, on the
    // database the service made.
    const db = join(dir, 'service', 'stocktake.db');
    mkdirSync(join(dir, 'service'));
    await (await openSqliteStores(db)).close();
    writeFileSync(join(dir, 'default.json'), JSON.stringify({ db }));
    const made = await collector(['token', 'create', '--name', 'alice', '--role', 'admin'], { uid: 0 });
    expect(made.code, made.stderr).toBe(0);
    expect((await collector(['token', 'list'], { uid: 0 })).stdout).toContain('alice');
  });

  it('names a bad value’s file and key', async () => {
    const path = join(dir, 'collector.json');
    writeFileSync(path, JSON.stringify({ metricsToken: 'short' }));
    expect(await collector(['config', 'check', '--config', path])).toEqual({
      code: 78,
      stdout: '',
      stderr: `stocktake-collector: invalid metrics-token: must be at least 16 characters (config file ${path}: metricsToken)\n`,
    });
  });
});
