import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { put, snapshotTree } from '../support/file-tree.ts';
import { COLLECTOR_BIN, runCollector as collector, tempDir } from '../support/processes.ts';

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function stagingRoot(): { root: string; dir: string } {
  const dir = tempDir('stocktake-collector-service-');
  dirs.push(dir);
  const root = join(dir.path, 'root');
  put(root, '/etc/hostname', 'host\n');
  put(root, '/etc/systemd/system/ssh.service', '[Service]\nExecStart=/usr/sbin/sshd -D\n');
  put(root, '/etc/stocktake/agent.json', '{"server":"https://x"}', 0o600);
  put(root, '/var/lib/dpkg/status', 'Package: base-files\n');
  return { root, dir: dir.path };
}

const METRICS_TOKEN = 'scrape-me-0123456789abcdef';

// Each run starts the command line afresh (a few seconds each, more on a busy machine).
describe('stocktake-collector service install and uninstall (a temporary root, systemctl printed)', {
  timeout: 300_000,
}, () => {
  it('installs the settings (0600), TLS files as credentials and the unit; uninstall leaves the root byte for byte as before', async () => {
    const { root, dir } = stagingRoot();
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
    const before = snapshotTree(root);

    const install = await collector(
      [
        'service',
        'install',
        '--root',
        root,
        '--host',
        '0.0.0.0',
        '--port',
        '8443',
        '--tls-cert',
        cert,
        '--tls-key',
        key,
      ],
      { STOCKTAKE_METRICS_TOKEN: METRICS_TOKEN },
    );
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain('not run (--root): systemctl daemon-reload');
    expect(install.stdout).toContain('not run (--root): systemctl enable stocktake-collector.service');
    expect(install.stdout).toContain('not run (--root): systemctl restart stocktake-collector.service');
    expect(install.stdout).toContain(`stocktake-collector is installed under ${root} (systemctl not run)`);

    const configFile = join(root, 'etc/stocktake/collector.json');
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      db: '/var/lib/stocktake/stocktake.db',
      host: '0.0.0.0',
      port: 8443,
      metricsToken: METRICS_TOKEN,
      tlsCert: '/etc/stocktake/collector.crt',
      tlsKey: '/etc/stocktake/collector.key',
    });
    // The file install wrote is one the collector accepts, as it will read it in the service.
    const check = await collector(['config', 'check', '--config', configFile]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/\nport +8443 {2}\(file [^\n]+: port\)\n/);
    expect(check.stdout).not.toContain(METRICS_TOKEN);
    expect(readFileSync(join(root, 'etc/stocktake/collector.crt'), 'utf8')).toBe(readFileSync(cert, 'utf8'));
    expect(statSync(join(root, 'etc/stocktake/collector.key')).mode & 0o777).toBe(0o600);

    const unitPath = join(root, 'etc/systemd/system/stocktake-collector.service');
    expect(statSync(unitPath).mode & 0o777).toBe(0o644);
    const unit = readFileSync(unitPath, 'utf8');
    const entry = realpathSync(COLLECTOR_BIN);
    expect(unit).toContain(`\nExecStart=${realpathSync(process.execPath)} ${entry} serve\n`);
    for (const line of [
      'LoadCredential=collector.json:/etc/stocktake/collector.json',
      'Environment=STOCKTAKE_CONFIG=%d/collector.json',
      'DynamicUser=yes',
      'User=stocktake',
      'StateDirectory=stocktake',
      'ProtectSystem=strict',
      'CapabilityBoundingSet=',
      'NoNewPrivileges=yes',
      'LoadCredential=collector.key:/etc/stocktake/collector.key',
      'Environment=STOCKTAKE_TLS_KEY=%d/collector.key',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
    expect(JSON.parse(readFileSync(join(root, 'etc/stocktake/collector.install.json'), 'utf8'))).toMatchObject({
      version: 1,
      platform: 'linux',
      configPath: '/etc/stocktake/collector.json',
      createdDirs: [],
    });

    // What the running service adds: its database, under the state directory systemd made.
    put(root, '/var/lib/stocktake/stocktake.db', 'SQLite format 3\0', 0o600);
    const uninstall = await collector(['service', 'uninstall', '--root', root]);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(uninstall.stdout).toContain('not run (--root): systemctl disable --now stocktake-collector.service');
    expect(uninstall.stdout).toContain('kept the database in /var/lib/stocktake');
    const after = snapshotTree(root);
    expect(after['/var/lib/stocktake/stocktake.db']).toBeDefined();
    delete after['/var/lib/stocktake/stocktake.db'];
    delete after['/var/lib/stocktake'];
    expect(after).toEqual(before);
  });

  it('into an empty root, then out again, leaves the root empty; a second install (upgrade) keeps the first manifest', async () => {
    const dir = tempDir('stocktake-collector-service-');
    dirs.push(dir);
    const root = join(dir.path, 'root');
    expect((await collector(['service', 'install', '--root', root])).code).toBe(0);
    const manifest = readFileSync(join(root, 'etc/stocktake/collector.install.json'), 'utf8');
    expect(JSON.parse(manifest).createdDirs).toEqual(['/etc', '/etc/stocktake', '/etc/systemd', '/etc/systemd/system']);
    const again = await collector(['service', 'install', '--root', root, '--port', '9090']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'etc/stocktake/collector.json'), 'utf8'))).toMatchObject({ port: 9090 });
    expect(JSON.parse(readFileSync(join(root, 'etc/stocktake/collector.install.json'), 'utf8')).createdDirs).toEqual(
      JSON.parse(manifest).createdDirs,
    );
    expect((await collector(['service', 'uninstall', '--root', root])).code).toBe(0);
    expect(snapshotTree(root)).toEqual({});
  });

  it('refuses an unknown action with the one meant', async () => {
    const run = await collector(['service', 'instal']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('did you mean service install?');
  });

  describe.skipIf(!hasSystemdAnalyze)(
    'checked by systemd (skipped: systemd-analyze is not installed; .ci/run installs it)',
    () => {
      it('systemd-analyze verify accepts the installed unit without a warning', async () => {
        const { root } = stagingRoot();
        expect((await collector(['service', 'install', '--root', root])).code).toBe(0);
        const unitPath = join(root, 'etc/systemd/system/stocktake-collector.service');
        const result = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
        expect(`${result.stdout}${result.stderr}`).toBe('');
        expect(result.status).toBe(0);
        expect((await collector(['service', 'uninstall', '--root', root])).code).toBe(0);
      });
    },
  );
});
