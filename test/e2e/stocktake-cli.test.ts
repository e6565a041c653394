import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { SoftwareItem } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, HostFixture, until, writeAgentConfig } from '../support/agent-service.ts';
import { COLLECTOR_BIN, type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const STOCKTAKE_BIN = join(ROOT, 'collector', 'cli', 'bin', 'stocktake.mjs');
const SECRET = 'e2e-stocktake-cli-secret';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a sysadmin's shell with nothing of ours in it, and a home of its own. */
function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('STOCKTAKE_') && key !== 'COLUMNS' && key !== 'XDG_CONFIG_HOME') env[key] = value;
  }
  return { ...env, HOME: home };
}

/** Runs the real `stocktake` executable to completion. */
function run(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [STOCKTAKE_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Runs `stocktake-collector` (token creation on the collector host). */
function collectorCli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [COLLECTOR_BIN, ...args], (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.trimEnd().split(/\r?\n/);

const hasScript = (() => {
  try {
    return execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux');
  } catch {
    return false;
  }
})();

describe('stocktake, the command line, against a real collector', () => {
  const dir = tempDir('stocktake-cli-e2e-');
  const dbPath = join(dir.path, 'stocktake.db');
  const home = join(dir.path, 'home');
  let collector: RunningCollector;
  let adminToken: string;
  let readerToken: string;
  let env: NodeJS.ProcessEnv;
  /** Host name → device id, as the collector stored them. */
  const deviceIds = new Map<string, string>();
  const stocktake = (args: string[], extra: NodeJS.ProcessEnv = {}, input?: string) =>
    run(args, { ...env, ...extra }, input);
  const json = async <T>(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<T> => {
    const result = await stocktake([...args, '--json'], extra);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };

  /** Enrols an agent through the real agent API and pushes its snapshots, as an agent would. */
  async function agentReports(hostname: string, serial: string, snapshots: SoftwareItem[][]): Promise<void> {
    const enrolled = await fetch(`${collector.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' }),
    });
    expect(enrolled.status).toBe(201);
    const { agentId, agentToken } = (await enrolled.json()) as { agentId: string; agentToken: string };
    for (const [i, software] of snapshots.entries()) {
      const snapshot = makeSnapshot({
        agentId,
        hostname,
        serial,
        software,
        at: new Date(Date.now() - (snapshots.length - i) * 60_000),
        users: { loggedIn: [{ user: `${hostname}-admin` }] },
      });
      const pushed = await fetch(`${collector.url}/api/v1/agent/snapshots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
        body: JSON.stringify(snapshot),
      });
      expect(pushed.status, await pushed.clone().text()).toBe(201);
      deviceIds.set(hostname, ((await pushed.json()) as { deviceId: string }).deviceId);
    }
  }

  beforeAll(async () => {
    mkdirSync(home, { recursive: true });
    collector = await startCollector({ dbPath, enrollSecret: SECRET, extraArgs: ['--reconcile-cron', 'off'] });
    // Tokens are made on the collector host, against its database, as an administrator would.
    const admin = await collectorCli(['token', 'create', '--db', dbPath, '--name', 'e2e-admin', '--role', 'admin']);
    const reader = await collectorCli(['token', 'create', '--db', dbPath, '--name', 'e2e-reader', '--role', 'reader']);
    expect(admin.code, admin.stderr).toBe(0);
    expect(reader.code, reader.stderr).toBe(0);
    adminToken = admin.stdout.trim();
    readerToken = reader.stdout.trim();
    env = { ...cleanEnv(home), STOCKTAKE_URL: collector.url, STOCKTAKE_TOKEN: adminToken };

    const common = [dpkgItem('curl', '7.88.1-10+deb12u8'), dpkgItem('bash', '5.2.15-2+b7')];
    await agentReports('web-01', 'SER-WEB-01', [
      [...common, dpkgItem('openssl', '3.0.11-1~deb12u2')],
      // Upgraded since: the history shows it.
      [...common, dpkgItem('openssl', '3.0.13-1~deb12u1')],
    ]);
    await agentReports('web-02', 'SER-WEB-02', [[...common, dpkgItem('openssl', '3.0.15-1~deb12u1')]]);
    await agentReports('db-01', 'SER-DB-01', [
      [dpkgItem('openssl', '1.1.1w-0+deb11u1'), dpkgItem('postgresql-15', '15.8-0+deb12u1')],
    ]);
  });

  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  describe('usage and help', () => {
    it('prints help at every depth, with the exit codes, and exits 0', async () => {
      const [root, noun, command, version] = await Promise.all([
        stocktake(['--help']),
        stocktake(['findings', '--help']),
        stocktake(['devices', 'show', '--help']),
        stocktake(['--version']),
      ]);
      for (const r of [root, noun, command, version]) expect(r.code, r.stderr).toBe(0);
      expect(root.stdout).toContain('devices show DEVICE');
      expect(root.stdout).toMatch(/Exit codes:\n {2}0 {3}done\n {2}1 {3}the collector refused/);
      expect(root.stdout).toMatch(/\n {2}64 {2}usage error: unknown command or flag/);
      expect(noun.stdout).toContain('findings snooze ID');
      expect(command.stdout).toContain('Usage: stocktake devices show DEVICE [options]');
      expect(command.stdout).toContain('--history N');
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    });

    it('refuses bad usage with exit 64, one line saying why, and the usage', async () => {
      const [none, noVerb, badFlag, missing, badChoice] = await Promise.all([
        stocktake([]),
        stocktake(['devices']),
        stocktake(['devices', 'list', '--colour']),
        stocktake(['assets', 'show']),
        stocktake(['findings', 'list', '--severity', 'dire']),
      ]);
      for (const r of [none, noVerb, badFlag, missing, badChoice]) {
        expect(r.code).toBe(64);
        expect(r.stdout).toBe('');
      }
      expect(lines(noVerb.stderr)[0]).toBe(
        'stocktake: devices needs a command: list, show, refresh, adopt, merge, delete',
      );
      expect(badFlag.stderr).toContain('unknown option "--colour"');
      expect(lines(missing.stderr)).toEqual([
        'stocktake: assets show needs ASSET',
        'Usage: stocktake assets show ASSET [options]',
        'See: stocktake assets show --help',
      ]);
      expect(badChoice.stderr).toContain('--severity must be one of info, low, medium, high, critical');
    });

    it('names the command or flag a typo meant, exiting 64', async () => {
      const [command, flag] = await Promise.all([
        stocktake(['findigns', 'list']),
        stocktake(['software', 'who-has', 'openssl', '--version-lte=3', '--jsno']),
      ]);
      expect([command.code, flag.code]).toEqual([64, 64]);
      expect(lines(command.stderr)).toEqual([
        'stocktake: unknown command "findigns" (did you mean findings?)',
        'Usage: stocktake <command> [arguments] [options]',
        'See: stocktake --help',
      ]);
      expect(lines(flag.stderr)[0]).toBe('stocktake: unknown option "--jsno" (did you mean --json?)');
    });
  });

  describe('connection and authentication', () => {
    let notCollector: Server;
    let notCollectorUrl: string;

    beforeAll(async () => {
      notCollector = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<h1>It works!</h1>');
      });
      await new Promise<void>((r) => notCollector.listen(0, '127.0.0.1', r));
      notCollectorUrl = `http://127.0.0.1:${(notCollector.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => notCollector.close(() => r())));

    it('exits 64 without a URL, 4 when nothing answers or it is not a collector, 3 without the right token', async () => {
      const bare = cleanEnv(home);
      const [noUrl, down, wrongServer, noToken, wrongToken] = await Promise.all([
        run(['devices', 'list'], bare),
        run(['devices', 'list', '--url', 'http://127.0.0.1:1'], bare),
        run(['devices', 'list', '--url', notCollectorUrl], bare),
        run(['devices', 'list', '--url', collector.url], bare),
        run(['devices', 'list', '--url', collector.url, '--token', 'stk_not-a-real-token'], bare),
      ]);
      expect([noUrl.code, down.code, wrongServer.code, noToken.code, wrongToken.code]).toEqual([64, 4, 4, 3, 3]);
      expect(lines(noUrl.stderr)[0]).toMatch(/^stocktake: no collector URL: pass --url, set STOCKTAKE_URL/);
      expect(lines(down.stderr)).toEqual([
        expect.stringMatching(
          /^stocktake: cannot reach the collector at http:\/\/127\.0\.0\.1:1 \(--url\): .*ECONNREFUSED/,
        ),
      ]);
      expect(wrongServer.stderr).toContain('is not a Stocktake collector');
      expect(lines(noToken.stderr)).toEqual([
        'stocktake: Unauthorized: This route needs a bearer token (Authorization: Bearer <token>) or, on /api/v1, a session (POST /api/v1/session) (no token given: pass --token, set STOCKTAKE_TOKEN, or run stocktake login)',
      ]);
      expect(lines(wrongToken.stderr)).toEqual(['stocktake: Unauthorized: Token is unknown or revoked']);
    });

    it('login checks the URL and token, then saves a 0600 profile that later commands use', async () => {
      const loginHome = join(dir.path, 'login-home');
      mkdirSync(loginHome, { recursive: true });
      const bare = cleanEnv(loginHome);
      const config = join(loginHome, '.config', 'stocktake', 'config.json');

      const refused = await run(['login', '--url', collector.url, '--token', 'stk_wrong'], bare);
      expect(refused.code).toBe(3);
      expect(() => statSync(config)).toThrow();

      const saved = await run(['login', '--url', `${collector.url}/`, '--token', readerToken], bare);
      expect(saved.code, saved.stderr).toBe(0);
      expect(saved.stderr).toContain(`Saved profile "default" (${collector.url}) in ${config}`);
      expect(statSync(config).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
        profiles: { default: { url: collector.url, token: readerToken } },
      });
      const viaProfile = await run(['devices', 'list'], bare);
      expect(viaProfile.code, viaProfile.stderr).toBe(0);
      expect(viaProfile.stdout).toContain('web-01');

      const lab = await run(['login', '--url', collector.url, '--token', adminToken, '--profile', 'lab'], bare);
      expect(lab.code, lab.stderr).toBe(0);
      // The reader profile may not write; the admin profile, chosen by name, may.
      const asReader = await run(['tokens', 'list'], bare);
      const asAdmin = await run(['tokens', 'list', '--profile', 'lab'], bare);
      const asAdminByEnv = await run(['tokens', 'list'], { ...bare, STOCKTAKE_PROFILE: 'lab' });
      expect([asReader.code, asAdmin.code, asAdminByEnv.code]).toEqual([3, 0, 0]);
      // A profile's token never goes to another URL: STOCKTAKE_URL elsewhere gets no token.
      const elsewhere = await run(['devices', 'list'], { ...bare, STOCKTAKE_URL: notCollectorUrl });
      expect(elsewhere.code).toBe(4);
      const unknown = await run(['devices', 'list', '--profile', 'nope'], bare);
      expect(unknown.code).toBe(64);
      expect(unknown.stderr).toContain('no profile "nope"');
    });
  });

  describe('devices', () => {
    it('lists devices as a table, as JSON, and page by page', async () => {
      const table = await stocktake(['devices', 'list']);
      expect(table.code, table.stderr).toBe(0);
      const [header, ...rows] = lines(table.stdout);
      expect(header).toMatch(/^HOSTNAME +OS +MODEL +SERIAL +USER +ASSET +PACKAGES +UPDATES +LAST SEEN +ID$/);
      expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['db-01', 'web-01', 'web-02']);
      expect(rows[1]).toContain(deviceIds.get('web-01'));
      expect(rows[1]).toMatch(/Debian GNU\/Linux 12 +Dell Inc\. Latitude 7440 +SER-WEB-01 +web-01-admin +- +3 +0 /);

      const all = await json<{ items: { hostname: string }[]; nextCursor: null }>(['devices', 'list']);
      expect(all.items.map((d) => d.hostname)).toEqual(['db-01', 'web-01', 'web-02']);
      expect(all.nextCursor).toBeNull();

      const first = await stocktake(['devices', 'list', '--limit', '2']);
      expect(lines(first.stdout)).toHaveLength(3);
      const cursor = /--cursor (\S+)\)/.exec(first.stderr)?.[1];
      expect(first.stderr).toMatch(/^\(2 shown; more with --all, or --cursor \S+\)$/m);
      const rest = await json<{ items: { hostname: string }[] }>(['devices', 'list', '--cursor', cursor ?? '']);
      expect(rest.items.map((d) => d.hostname)).toEqual(['web-02']);
    });

    it('cuts tables to COLUMNS, keeping ids whole', async () => {
      const narrow = await stocktake(['devices', 'list'], { COLUMNS: '72' });
      expect(narrow.code).toBe(0);
      for (const line of lines(narrow.stdout)) expect(Array.from(line).length).toBeLessThanOrEqual(72);
      expect(narrow.stdout).toContain(deviceIds.get('db-01'));
      expect(narrow.stdout).toContain('…');
    });

    it('shows one device by host name or id, with its software and history', async () => {
      const shown = await stocktake(['devices', 'show', 'web-01']);
      expect(shown.code, shown.stderr).toBe(0);
      const text = shown.stdout;
      expect(lines(text)[0]).toBe(`web-01  ${deviceIds.get('web-01')}`);
      expect(text).toMatch(/^Serial +SER-WEB-01$/m);
      expect(text).toMatch(/^User +web-01-admin$/m);
      expect(text).toMatch(/^Agent +0\.1\.0, offline$/m);
      expect(text).toMatch(/^Software \(3\)\nNAME +VERSION +ARCH +SOURCE +PUBLISHER\nbash /m);
      expect(text).toMatch(/^openssl +3\.0\.13-1~deb12u1 +amd64 +dpkg +Debian Developers$/m);
      expect(text).toMatch(/^History \(2\)$/m);
      expect(text).toMatch(/ software_upgraded +openssl +3\.0\.11-1~deb12u2 → 3\.0\.13-1~deb12u1$/m);
      expect(text).toMatch(/ first_seen +web-01 /m);

      const byId = await json<{
        device: { hostname: string; software: unknown[] };
        history: { items: { kind: string }[] };
      }>(['devices', 'show', deviceIds.get('web-01') ?? '', '--history', '1']);
      expect(byId.device.hostname).toBe('web-01');
      expect(byId.device.software).toHaveLength(3);
      expect(byId.history.items.map((c) => c.kind)).toEqual(['software_upgraded']);

      const missing = await stocktake(['devices', 'show', 'no-such-host']);
      expect(missing.code).toBe(5);
      expect(lines(missing.stderr)).toEqual(['stocktake: No device with id or host name "no-such-host"']);
      const missingId = await stocktake(['devices', 'show', '00000000-0000-4000-8000-000000000000']);
      expect(missingId.code).toBe(5);
      expect(missingId.stderr).toContain('Not Found: No device 00000000-0000-4000-8000-000000000000');
    });

    it('refuses to refresh a device whose agent is offline (exit 1)', async () => {
      const offline = await stocktake(['devices', 'refresh', 'db-01']);
      expect(offline.code).toBe(1);
      expect(lines(offline.stderr)).toEqual([
        expect.stringMatching(/^stocktake: Agent offline: The agent of device [0-9a-f-]{36} has no live channel open/),
      ]);
    });
  });

  describe('software', () => {
    it('answers "which devices have openssl older than 3.0.15?"', async () => {
      const answer = await stocktake(['software', 'who-has', 'openssl', '--version-lt', '3.0.15']);
      expect(answer.code, answer.stderr).toBe(0);
      const [header, ...rows] = lines(answer.stdout);
      expect(header).toMatch(/^HOSTNAME +VERSIONS +USAGE +OS +USER +ASSET +LAST SEEN +ID$/);
      expect(rows).toEqual([
        expect.stringMatching(
          new RegExp(
            `^db-01 +1\\.1\\.1w-0\\+deb11u1 +unknown +Debian GNU/Linux 12 +db-01-admin +- +.* ${deviceIds.get('db-01')}$`,
          ),
        ),
        expect.stringMatching(new RegExp(`^web-01 +3\\.0\\.13-1~deb12u1 +unknown +.* ${deviceIds.get('web-01')}$`)),
      ]);
      const asJson = await json<{ items: { hostname: string; versions: string[] }[]; nextCursor: null }>([
        'software',
        'who-has',
        'openssl',
        '--version-lt',
        '3.0.15',
      ]);
      expect(asJson.items.map((d) => [d.hostname, d.versions])).toEqual([
        ['db-01', ['1.1.1w-0+deb11u1']],
        ['web-01', ['3.0.13-1~deb12u1']],
      ]);
      // A range, and the device filters on top.
      const inRange = await json<{ items: { hostname: string }[] }>([
        'software',
        'who-has',
        'OpenSSL',
        '--versions',
        '>=3.0 <4',
        '--hostname',
        'web-*',
      ]);
      expect(inRange.items.map((d) => d.hostname)).toEqual(['web-01', 'web-02']);
      // These agents never sent usage: every install's use is unknown, none unused.
      const unused = await stocktake(['software', 'who-has', 'openssl', '--usage', 'unused']);
      expect([unused.code, unused.stdout, unused.stderr]).toEqual([0, '', 'No device has it.\n']);
      const unknown = await json<{ items: { hostname: string }[] }>([
        'software',
        'who-has',
        'openssl',
        '--usage',
        'unknown',
      ]);
      expect(unknown.items.length).toBeGreaterThan(0);
      const typo = await stocktake(['software', 'who-has', 'openssl', '--usage', 'unsued']);
      expect(typo.code).toBe(64);
      const nobody = await stocktake(['software', 'who-has', 'openssl', '--version-lt', '1.0']);
      expect([nobody.code, nobody.stdout, nobody.stderr]).toEqual([0, '', 'No device has it.\n']);
      const badRange = await stocktake(['software', 'who-has', 'openssl', '--versions', '>>3']);
      expect(badRange.code).toBe(1);
      expect(lines(badRange.stderr)).toEqual([expect.stringMatching(/^stocktake: Invalid request: .*version/)]);
    });

    it('lists the catalogue with install counts, filtered and sorted', async () => {
      const openssl = await stocktake(['software', 'list', '--name', 'openssl', '--sort', '-version']);
      expect(openssl.code, openssl.stderr).toBe(0);
      expect(lines(openssl.stdout)).toEqual([
        expect.stringMatching(/^NAME +VERSION +ARCH +SOURCE +PUBLISHER +DEVICES +USED +RARELY +UNUSED +UNKNOWN$/),
        expect.stringMatching(/^openssl +3\.0\.15-1~deb12u1 +amd64 +dpkg +Debian Developers +1 +0 +0 +0 +1$/),
        expect.stringMatching(/^openssl +3\.0\.13-1~deb12u1 +amd64 +dpkg +Debian Developers +1 +0 +0 +0 +1$/),
        expect.stringMatching(/^openssl +1\.1\.1w-0\+deb11u1 +amd64 +dpkg +Debian Developers +1 +0 +0 +0 +1$/),
      ]);
      const withGone = await json<{ items: { version: string; installs: number }[] }>([
        'software',
        'list',
        '--name',
        'openssl',
        '--include-uninstalled',
      ]);
      expect(withGone.items.find((s) => s.version === '3.0.11-1~deb12u2')?.installs).toBe(0);
      const popular = await json<{ items: { name: string; installs: number }[] }>([
        'software',
        'list',
        '--sort',
        '-installs',
        '--limit',
        '2',
      ]);
      expect(popular.items.map((s) => [s.name, s.installs])).toEqual([
        ['bash', 2],
        ['curl', 2],
      ]);
      const csv = await stocktake(['software', 'list', '--search', 'postgres', '--csv']);
      expect(csv.code, csv.stderr).toBe(0);
      expect(lines(csv.stdout)).toEqual([
        expect.stringMatching(/^id,source,name,version,arch,publisher,installs,used,rarelyUsed,unused,usageUnknown$/),
        expect.stringMatching(/^\d+,dpkg,postgresql-15,15\.8-0\+deb12u1,amd64,Debian Developers,1,0,0,0,1$/),
      ]);
    });
  });

  describe('lists: filters, search, sort and CSV', () => {
    it('filters and searches devices, and exports the filtered list as CSV', async () => {
      const bySerial = await json<{ items: { hostname: string }[] }>(['devices', 'list', '--search', 'ser-db']);
      expect(bySerial.items.map((d) => d.hostname)).toEqual(['db-01']);
      const sorted = await json<{ items: { hostname: string }[] }>(['devices', 'list', '--sort', '-hostname']);
      expect(sorted.items.map((d) => d.hostname)).toEqual(['web-02', 'web-01', 'db-01']);
      const recent = await json<{ items: unknown[] }>([
        'devices',
        'list',
        '--seen-within-days',
        '1',
        '--os-family',
        'linux',
      ]);
      expect(recent.items).toHaveLength(3);
      const stale = await json<{ items: unknown[] }>(['devices', 'list', '--not-seen-days', '30']);
      expect(stale.items).toEqual([]);
      const raw = await json<{ items: { hostname: string }[] }>(['devices', 'list', '--filter', 'hostname=WEB-0?']);
      expect(raw.items.map((d) => d.hostname)).toEqual(['web-01', 'web-02']);
      const csv = await stocktake(['devices', 'list', '--hostname', 'web-*', '--csv']);
      expect(csv.code, csv.stderr).toBe(0);
      const [header, ...rows] = lines(csv.stdout);
      expect(header?.split(',')).toEqual(expect.arrayContaining(['id', 'hostname', 'hardwareSerial', 'lastSeenAt']));
      expect(rows.map((r) => r.split(',')[header?.split(',').indexOf('hostname') ?? 0])).toEqual(['web-01', 'web-02']);
    });

    it('refuses what cannot be asked: unknown sort, bad filters, --csv with --json', async () => {
      const [badSort, badFilter, unknownFilter, csvJson, csvLimit] = await Promise.all([
        stocktake(['devices', 'list', '--sort', 'colour']),
        stocktake(['devices', 'list', '--filter', 'nonsense']),
        stocktake(['devices', 'list', '--filter', 'colour=blue']),
        stocktake(['devices', 'list', '--csv', '--json']),
        stocktake(['devices', 'list', '--csv', '--limit', '2']),
      ]);
      expect([badSort.code, badFilter.code, unknownFilter.code, csvJson.code, csvLimit.code]).toEqual([
        64, 64, 1, 64, 64,
      ]);
      expect(badSort.stderr).toContain('--sort must be one of hostname, -hostname, lastSeenAt');
      expect(lines(unknownFilter.stderr)[0]).toMatch(/^stocktake: Invalid request: .*colour/);
    });
  });

  describe('the register', () => {
    const assetsCsv = [
      'Asset Tag,Item Name,Serial Number,Status,Full Name,Location,Company',
      'A-0001,Web server 1,SER-WEB-01,Deployed,Alice Example,Rack 1,ACME',
      'A-0002,Web server 2,SER-WEB-02,Deployed,Bob Example,Rack 1,ACME',
      'A-0009,Spare laptop,SPARE-9,Ready to Deploy,,Store,ACME',
      '',
    ].join('\n');

    it('imports assets: a dry run writes nothing, the import is all or nothing', async () => {
      const file = join(dir.path, 'assets.csv');
      writeFileSync(file, assetsCsv);
      const dry = await stocktake(['assets', 'import', file, '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(lines(dry.stdout)).toEqual([
        '3 rows: 3 to create, 0 to update, 0 unchanged; nothing written (dry run)',
        'Read as: UTF-8, comma-separated',
        'Ignored columns: Company',
        '',
        'LINE  ROW     CHANGE',
        '   2  A-0001  would create',
        '   3  A-0002  would create',
        '   4  A-0009  would create',
      ]);
      expect((await json<{ items: unknown[] }>(['assets', 'list'])).items).toEqual([]);

      const bad = join(dir.path, 'bad-assets.csv');
      writeFileSync(bad, 'asset_tag,purchase_date,status\nB-1,2024-02-30,deployed\nB-2,2024-01-01,Zombie\n');
      const refused = await stocktake(['assets', 'import', bad]);
      expect(refused.code).toBe(1);
      expect(lines(refused.stderr)).toEqual([
        'stocktake: Invalid request: The file was refused and nothing was imported: 2 problems',
        expect.stringMatching(/^ {2}line 2, purchase_date: /),
        expect.stringMatching(/^ {2}line 3, status: /),
      ]);
      const absent = await stocktake(['assets', 'import', join(dir.path, 'absent.csv')]);
      expect(absent.code).toBe(6);
      expect(absent.stderr).toMatch(/^stocktake: cannot read .*absent\.csv: ENOENT/);
      expect((await json<{ items: unknown[] }>(['assets', 'list'])).items).toEqual([]);

      // From stdin; no progress bar, since stderr is not a terminal here.
      const imported = await stocktake(['assets', 'import', '-'], {}, assetsCsv);
      expect(imported.code, imported.stderr).toBe(0);
      expect(lines(imported.stdout)[0]).toBe('3 rows: 3 created, 0 updated, 0 unchanged');
      expect(imported.stderr).toBe('');
    });

    it.skipIf(!hasScript)('shows a progress bar on a terminal while a long import runs as a job', async () => {
      const file = join(dir.path, 'many-assets.csv');
      const rows = ['asset_tag,item_name,serial,status,notes'];
      // Enough rows that checking them outlasts several of the command's polls (a few seconds).
      for (let i = 0; i < 40_000; i++) rows.push(`M-${i},Laptop ${i},MSN${i},In Stock,${'n'.repeat(20)}`);
      writeFileSync(file, `${rows.join('\n')}\n`);
      // util-linux script(1) gives the command a terminal; its output is what the terminal showed.
      const shown = await new Promise<Run>((done) => {
        execFile(
          'script',
          ['-qec', `${process.execPath} ${STOCKTAKE_BIN} assets import ${file} --dry-run`, '/dev/null'],
          { env, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) =>
            done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
        );
      });
      expect(shown.code, shown.stdout + shown.stderr).toBe(0);
      // Over 1 MiB, the file is a job on the collector: a line redrawn in place follows its rows, phase
      // by phase: a bar once the total is known, a count while the file is still being read. Which
      // phases a poll catches depends on the machine's speed, so any phase with a row count will do.
      expect(shown.stdout).toMatch(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's erase-line sequence is the point
        /\r\u001b\[Kcollector (reading the file|checking rows)( \[[#.]{30}\] +\d+% {2}\d+ rows \/ 40000 rows| +\d+ rows)/,
      );
      expect(shown.stdout).toContain(
        '40000 rows: 40000 to create, 0 to update, 0 unchanged; nothing written (dry run)',
      );
      expect((await json<{ items: unknown[] }>(['assets', 'list', '--status', 'in_stock'])).items).toHaveLength(1);
    });

    it('lists and shows assets, by tag, with the devices discovery linked', async () => {
      const deployed = await stocktake(['assets', 'list', '--status', 'deployed']);
      expect(deployed.code, deployed.stderr).toBe(0);
      const [header, ...rows] = lines(deployed.stdout);
      expect(header).toMatch(/^TAG +NAME +STATUS +SERIAL +MODEL +ASSIGNEE +LOCATION +ID$/);
      expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['A-0001', 'A-0002']);

      const shown = await stocktake(['assets', 'show', 'A-0001']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/^Status +deployed$/m);
      expect(shown.stdout).toMatch(/^Assignee +Alice Example$/m);
      expect(shown.stdout).toMatch(/^Devices \(1\)\nHOSTNAME +LINKED BY .*\nweb-01 +serial /m);
      expect(shown.stdout).toMatch(/^Status history \(1\)\n.*\n.* - +deployed +e2e-admin /m);

      expect(shown.stdout).toMatch(/^Register changes \(\d+\)\nAT +BY +ACTION +FIELDS +THROUGH\n/m);
      expect(shown.stdout).toMatch(/ e2e-admin +create +.*assetTag.* +csv import \(api\) line 2$/m);

      const missing = await stocktake(['assets', 'show', 'A-9999']);
      expect(missing.code).toBe(5);
    });

    it('exports the register to a file and to stdout; importing the export changes nothing', async () => {
      const file = join(dir.path, 'export.csv');
      const toFile = await stocktake(['assets', 'export', file]);
      expect(toFile.code, toFile.stderr).toBe(0);
      expect(toFile.stderr).toMatch(new RegExp(`^Wrote ${file} \\(\\d+ B\\)\\n$`));
      const written = readFileSync(file, 'utf8');
      expect(written.split('\r\n')[0]).toMatch(/^Asset Tag,Asset Name,Serial Number,/);
      const toStdout = await stocktake(['assets', 'export']);
      expect(toStdout.stdout).toBe(written);
      const again = await stocktake(['assets', 'import', file, '--dry-run']);
      expect(lines(again.stdout)[0]).toBe('3 rows: 0 to create, 0 to update, 3 unchanged; nothing written (dry run)');
      const unwritable = await stocktake(['assets', 'export', join(dir.path, 'no-such-dir', 'x.csv')]);
      expect(unwritable.code).toBe(6);
    });

    it('imports a Windows-1252 semicolon file with user-defined labels, mapped and kept for the next import', async () => {
      const file = join(dir.path, 'excel-de.csv');
      writeFileSync(
        file,
        Buffer.from(
          'Asset Tag;Asset Name;Status;Purchase Date\r\nL-0001;B\xfcro-PC;Pending Diagnostics;1/23/23\r\n',
          'latin1',
        ),
      );
      const refused = await stocktake(['assets', 'import', file, '--dry-run']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /"Pending Diagnostics" is not a status label Stocktake knows .*--status-map 'Pending Diagnostics=/,
      );
      const usage = await stocktake(['assets', 'import', file, '--save-status-map']);
      expect(usage.code).toBe(64);
      const imported = await stocktake([
        'assets',
        'import',
        file,
        '--status-map',
        'Pending Diagnostics=in_repair',
        '--save-status-map',
      ]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(lines(imported.stdout).slice(0, 4)).toEqual([
        '1 rows: 1 created, 0 updated, 0 unchanged',
        'Read as: Windows-1252, semicolon-separated',
        expect.stringMatching(/^Warning: The file is not UTF-8; it was read as semicolon-separated, Windows-1252/),
        expect.stringMatching(
          /^Warning: Purchase Date: 1 date with a two-digit year \(line 2\): two-digit years 00–69/,
        ),
      ]);
      const again = await stocktake(['assets', 'import', file, '--dry-run']);
      expect(again.code, again.stderr).toBe(0);
      expect(lines(again.stdout)[0]).toBe('1 rows: 0 to create, 0 to update, 1 unchanged; nothing written (dry run)');
      const asset = await json<{ items: { name: string; status: string; purchaseDate: string }[] }>([
        'assets',
        'list',
        '--search',
        'L-0001',
      ]);
      expect(asset.items).toEqual([
        expect.objectContaining({ name: 'Büro-PC', status: 'in_repair', purchaseDate: '2023-01-23' }),
      ]);
    });

    it('links and unlinks a device by hand', async () => {
      const unlinked = await stocktake(['assets', 'unlink', 'web-02']);
      expect(unlinked.code, unlinked.stderr).toBe(0);
      expect(unlinked.stdout).toBe(
        `Unlinked device ${deviceIds.get('web-02')}; it stays unlinked until linked by hand\n`,
      );
      const afterUnlink = await json<{ device: { link: { assetId: null; method: string } } }>([
        'devices',
        'show',
        'web-02',
      ]);
      expect(afterUnlink.device.link).toMatchObject({ assetId: null, method: 'manual' });

      const linked = await json<{ assetId: string; method: string; linkedBy: string }>([
        'assets',
        'link',
        'web-02',
        'A-0009',
      ]);
      expect(linked).toMatchObject({ method: 'manual', linkedBy: 'e2e-admin' });
      const spare = await json<{ id: string; devices: { hostname: string; method: string }[] }>([
        'assets',
        'show',
        'A-0009',
      ]);
      expect(linked.assetId).toBe(spare.id);
      expect(spare.devices).toEqual([expect.objectContaining({ hostname: 'web-02', method: 'manual' })]);

      const device = await stocktake(['devices', 'show', 'web-02', '--history', '0']);
      expect(device.stdout).toMatch(/^Asset +A-0009 "Spare laptop", in_stock \(linked by manual, \d{4}-.* UTC\)$/m);

      const noAsset = await stocktake(['assets', 'link', 'web-02', 'A-4040']);
      expect(noAsset.code).toBe(5);
    });

    it('disposes of a retired asset: asks for --force while its device reports, then keeps the record', async () => {
      const api = (method: string, path: string, body?: unknown) =>
        fetch(`${collector.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
      const made = await api('POST', '/api/v1/assets', { assetTag: 'R-0001', status: 'retired' });
      expect(made.status).toBe(201);
      const { id } = (await made.json()) as { id: string };
      expect((await stocktake(['assets', 'link', 'web-02', 'R-0001'])).code).toBe(0);

      const flags = ['--method', 'destroy', '--certificate', 'CERT-2026-118', '--vendor', 'Shred-It'];
      const future = await stocktake(['assets', 'dispose', 'R-0001', ...flags, '--date', '2999-01-01']);
      expect(future.code).toBe(1);
      expect(future.stderr).toContain('2999-01-01 is in the future');
      const asked = await stocktake(['assets', 'dispose', 'R-0001', ...flags, '--date', '2026-11-20']);
      expect(asked.code).toBe(1);
      expect(lines(asked.stderr)).toEqual([
        expect.stringMatching(/^stocktake: Conflict: Asset R-0001 has a device that reported within 14 days: web-02 /),
        '  run again with --force to dispose of it anyway',
      ]);
      const forced = await stocktake(['assets', 'dispose', 'R-0001', ...flags, '--date', '2026-11-20', '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toBe('Disposed of R-0001 (destroy, certificate CERT-2026-118, 2026-11-20)\n');

      // The record stays: no deleting a disposed asset.
      expect((await api('DELETE', `/api/v1/assets/${id}`)).status).toBe(409);
      const shown = await json<{ status: string; statusEvents: { disposal: { certificateRef: string } | null }[] }>([
        'assets',
        'show',
        'R-0001',
      ]);
      expect(shown.status).toBe('disposed');
      expect(shown.statusEvents.at(-1)?.disposal?.certificateRef).toBe('CERT-2026-118');
      expect((await stocktake(['assets', 'link', 'web-02', 'A-0009'])).code).toBe(0);
    });

    it('imports, lists, exports licenses and shows compliance by product', async () => {
      const file = join(dir.path, 'licenses.csv');
      writeFileSync(
        file,
        'product,name_pattern,version_range,metric,seats,term_end,order_number\nOpenSSL 3 Support,openssl,>=3 <4,per_device,1,2030-01-31,PO-7\n',
      );
      const imported = await stocktake(['licenses', 'import', file]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(lines(imported.stdout)).toEqual([
        '1 rows: 1 created, 0 updated, 0 unchanged',
        'Read as: UTF-8, comma-separated',
        '',
        'LINE  ROW                             CHANGE',
        '   2  OpenSSL 3 Support (order PO-7)  created',
      ]);
      const dry = await stocktake(['licenses', 'import', file, '--dry-run']);
      expect(lines(dry.stdout)[0]).toBe('1 rows: 0 to create, 0 to update, 1 unchanged; nothing written (dry run)');

      const listed = await stocktake(['licenses', 'list']);
      expect(listed.stdout).toMatch(/^OpenSSL 3 Support +- +>=3 <4 +per_device +1 +2030-01-31 +PO-7 +[0-9a-f-]{36}$/m);

      const compliance = await stocktake(['licenses', 'compliance', 'OpenSSL 3 Support']);
      expect(compliance.code, compliance.stderr).toBe(0);
      expect(compliance.stdout).toMatch(/^Seats +2 used of 1: 1 over$/m);
      expect(compliance.stdout).toMatch(/^web-01 +web-01-admin +openssl 3\.0\.13-1~deb12u1 /m);
      expect(compliance.stdout).toMatch(/^web-02 +web-02-admin +openssl 3\.0\.15-1~deb12u1 /m);
      expect(compliance.stdout).not.toContain('db-01');
      const asJson = await json<{ usage: { used: number; over: number }; counted: unknown[] }>([
        'licenses',
        'compliance',
        'OpenSSL 3 Support',
        '--limit',
        '1',
      ]);
      expect(asJson.usage).toMatchObject({ used: 2, over: 1 });
      expect(asJson.counted).toHaveLength(1);

      const exported = await stocktake(['licenses', 'export']);
      expect(exported.stdout).toMatch(/^product,publisher,name_pattern/);
      expect(exported.stdout).toContain('OpenSSL 3 Support');
    });
  });

  describe('reconciliation and findings', () => {
    let overuse: number;

    beforeAll(async () => {
      const started = await stocktake(['reconcile']);
      expect(started.code, started.stderr).toBe(0);
      expect(lines(started.stdout)[0]).toMatch(/^Reconciliation run \d+ succeeded in \d+\.\d\d s \(by e2e-admin\)$/);
      expect(started.stdout).toMatch(/^license_overuse +1 +0 +0 +0 +1$/m);
      expect(started.stdout).toMatch(/^total +\d+/m);
      const found = await json<{ items: { id: number; type: string }[] }>([
        'findings',
        'list',
        '--type',
        'license_overuse',
      ]);
      expect(found.items).toHaveLength(1);
      overuse = found.items[0]?.id ?? 0;
    });

    it('runs reconciliation and prints its summary as JSON too', async () => {
      const summary = await json<{ status: string; counts: { totals: { open: number } } }>(['reconcile']);
      expect(summary.status).toBe('succeeded');
      expect(summary.counts.totals.open).toBeGreaterThan(0);
    });

    it('lists findings filtered by type, severity and device', async () => {
      const table = await stocktake(['findings', 'list', '--min-severity', 'high']);
      expect(table.code, table.stderr).toBe(0);
      expect(lines(table.stdout)[0]).toMatch(/^ID +SEVERITY +TYPE +STATUS +OPENED +SUMMARY$/);
      expect(table.stdout).toMatch(
        new RegExp(
          `^ *${overuse} +high +license_overuse +open +.* OpenSSL 3 Support: 2 devices use it, 1 seat licensed`,
          'm',
        ),
      );
      const forDb = await json<{ items: { type: string }[] }>(['findings', 'list', '--device', 'db-01']);
      expect(forDb.items.map((f) => f.type)).toContain('unregistered_device');
      const device = await stocktake(['devices', 'show', 'db-01']);
      expect(device.stdout).toMatch(
        /^Findings \(1\)\nID +SEVERITY +TYPE .*\n *\d+ +medium +unregistered_device +open /m,
      );
      const none = await stocktake(['findings', 'list', '--type', 'shelfware']);
      expect(none.code).toBe(0);
      expect(none.stdout).toBe('');
      expect(none.stderr).toBe('No findings match.\n');
    });

    it('acknowledges, snoozes and reopens a finding, with comments in its history', async () => {
      const acked = await stocktake(['findings', 'ack', String(overuse), '--comment', 'renewal ordered']);
      expect(acked.code, acked.stderr).toBe(0);
      expect(acked.stdout).toBe(
        `Finding ${overuse} is acknowledged: OpenSSL 3 Support: 2 devices use it, 1 seat licensed (1 over)\n`,
      );
      const snoozed = await stocktake(['findings', 'snooze', String(overuse), '--until', '7d']);
      expect(snoozed.code, snoozed.stderr).toBe(0);
      expect(snoozed.stdout).toMatch(
        new RegExp(`^Finding ${overuse} is snoozed until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: `),
      );
      const reopened = await json<{ status: string }>(['findings', 'reopen', String(overuse), '--comment', 'not yet']);
      expect(reopened.status).toBe('open');

      const shown = await stocktake(['findings', 'show', String(overuse)]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/^Evidence +product=OpenSSL 3 Support, metric=per_device, seats=1, used=2$/m);
      expect(shown.stdout).toMatch(/ acknowledged +open → acknowledged +e2e-admin +renewal ordered$/m);
      expect(shown.stdout).toMatch(/ snoozed +acknowledged → snoozed +e2e-admin /m);
      expect(shown.stdout).toMatch(/ reopened +snoozed → open +e2e-admin +not yet$/m);
    });

    it('refuses what the collector refuses, with the offending field', async () => {
      const past = await stocktake(['findings', 'snooze', String(overuse), '--until', '2020-01-01']);
      expect(past.code).toBe(1);
      expect(lines(past.stderr)).toEqual([
        expect.stringMatching(
          /^stocktake: Invalid request: Snooze until .* is not in the future \(\/until: must be in the future\)$/,
        ),
      ]);
      const noDate = await stocktake(['findings', 'snooze', String(overuse)]);
      expect(noDate.code).toBe(64);
      const gibberish = await stocktake(['findings', 'snooze', String(overuse), '--until', 'soonish']);
      expect(gibberish.code).toBe(64);
      const absent = await stocktake(['findings', 'ack', '99999']);
      expect(absent.code).toBe(5);
      expect(absent.stderr).toBe('stocktake: Not Found: No finding 99999\n');
    });

    it('refuses a reader token on writes (exit 3) and changes nothing', async () => {
      const asReader = await stocktake(['findings', 'ack', String(overuse)], { STOCKTAKE_TOKEN: readerToken });
      expect(asReader.code).toBe(3);
      expect(lines(asReader.stderr)).toEqual([
        'stocktake: Forbidden: This route needs an admin token; token e2e-reader is a reader',
      ]);
      const after = await json<{ status: string }>(['findings', 'show', String(overuse)], {
        STOCKTAKE_TOKEN: readerToken,
      });
      expect(after.status).toBe('open');
      const reconcileAsReader = await stocktake(['reconcile'], { STOCKTAKE_TOKEN: readerToken });
      expect(reconcileAsReader.code).toBe(3);
    });
  });

  describe('tokens', () => {
    it('creates a token (secret alone on stdout), lists tokens, revokes one; a revoked token is refused', async () => {
      const created = await stocktake(['tokens', 'create', '--name', 'grafana', '--role', 'reader']);
      expect(created.code, created.stderr).toBe(0);
      const secret = created.stdout.trim();
      expect(lines(created.stdout)).toHaveLength(1);
      expect(created.stderr).toMatch(/^Created reader token \d+ "grafana": the line above is shown only this once\n$/);

      const withIt = await stocktake(['devices', 'list', '--token', secret]);
      expect(withIt.code, withIt.stderr).toBe(0);

      const listed = await stocktake(['tokens', 'list']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^ +\d+ +e2e-admin +admin +/m);
      expect(listed.stdout).toMatch(/^ +\d+ +grafana +reader +.* e2e-admin /m);
      expect(listed.stdout).not.toContain(secret);

      const revoked = await stocktake(['tokens', 'revoke', 'grafana']);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toMatch(/^Revoked token \d+ "grafana"/);
      const refused = await stocktake(['devices', 'list', '--token', secret]);
      expect(refused.code).toBe(3);
      const withRevoked = await json<{ items: { name: string; revokedBy: string | null }[] }>([
        'tokens',
        'list',
        '--include-revoked',
      ]);
      expect(withRevoked.items.find((t) => t.name === 'grafana')?.revokedBy).toBe('e2e-admin');

      const again = await stocktake(['tokens', 'revoke', 'grafana']);
      expect(again.code).toBe(5);
      const asReader = await stocktake(['tokens', 'list'], { STOCKTAKE_TOKEN: readerToken });
      expect(asReader.code).toBe(3);
      const noRole = await stocktake(['tokens', 'create', '--name', 'x']);
      expect(noRole.code).toBe(64);
    });
  });

  describe('shell completion', () => {
    it('prints scripts for bash, zsh and fish from the command table', async () => {
      const [bash, zsh, fish] = await Promise.all([
        stocktake(['completion', 'bash']),
        stocktake(['completion', 'zsh']),
        stocktake(['completion', 'fish']),
      ]);
      expect(bash.stdout).toMatch(/complete -F _stocktake stocktake\n$/);
      expect(bash.stdout).toContain("'findings list|--type') COMPREPLY=($(compgen -W 'ghost_asset");
      expect(zsh.stdout).toMatch(/^#compdef stocktake\n/);
      expect(fish.stdout).toContain("complete -c stocktake -n '__stocktake_at devices' -a show");
      const bad = await stocktake(['completion', 'tcsh']);
      expect(bad.code).toBe(64);
    });
  });

  describe('refresh through a real agent holding its live channel', () => {
    let agent: AgentProcess;
    let deviceId: string;

    beforeAll(async () => {
      const host = new HostFixture(join(dir.path, 'host'), { packages: 20, serial: 'E2E-CLI-LIVE' });
      const configPath = writeAgentConfig(join(dir.path, 'agent.json'), {
        server: collector.url,
        enrollSecret: SECRET,
        stateDir: join(dir.path, 'agent-state'),
        hostRoot: host.root,
        // Only the start-up run and refresh requests take inventories.
        schedule: { inventory: '0 0 1 1 *', splaySeconds: 0, heartbeatSeconds: 2 },
        retry: { minSeconds: 0.2, maxSeconds: 1 },
      });
      agent = new AgentProcess(configPath);
      const [first] = await agent.waitFor('snapshot delivered');
      deviceId = first?.deviceId as string;
      await until(async () => {
        const shown = await stocktake(['devices', 'show', deviceId, '--json', '--history', '0']);
        return shown.code === 0 && (JSON.parse(shown.stdout) as { device: { online: boolean } }).device.online;
      });
    });
    afterAll(async () => {
      await agent?.stop();
    });

    it('asks for an inventory and waits until it has arrived', async () => {
      const before = await json<{ device: { lastSnapshotId: string } }>([
        'devices',
        'show',
        deviceId,
        '--history',
        '0',
      ]);
      const refreshed = await stocktake(['devices', 'refresh', deviceId, '--wait', '--wait-timeout', '20']);
      expect(refreshed.code, refreshed.stderr + agent.logs()).toBe(0);
      expect(refreshed.stderr).toMatch(/^Refresh requested \(request [0-9a-f-]{36}\); waiting for the inventory…\n$/);
      const after = await json<{ device: { lastSnapshotId: string } }>(['devices', 'show', deviceId, '--history', '0']);
      expect(after.device.lastSnapshotId).not.toBe(before.device.lastSnapshotId);
      expect(refreshed.stdout).toMatch(new RegExp(`^New inventory ${after.device.lastSnapshotId} from \\S+\\n$`));

      const quick = await json<{ deviceId: string; requestId: string }>(['devices', 'refresh', deviceId]);
      expect(quick.deviceId).toBe(deviceId);
      expect(quick.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
