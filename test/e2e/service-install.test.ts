import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceCommand } from '../../agent/src/commands/service.ts';
import { loadConfig } from '../../agent/src/config/load.ts';
import { renderLaunchdPlist } from '../../agent/src/service/launchd.ts';
import { darwinLayout, linuxLayout, windowsLayout } from '../../agent/src/service/layout.ts';
import { renderSystemdUnit } from '../../agent/src/service/systemd.ts';
import { renderWinswXml } from '../../agent/src/service/winsw.ts';
import { put, snapshotTree } from '../support/file-tree.ts';
import { tempDir } from '../support/processes.ts';

const has = (tool: string, args: string[]) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0;
const hasPython = has('python3', ['-c', 'import plistlib, xml.etree.ElementTree']);
const hasSystemdAnalyze = has('systemd-analyze', ['--version']);

interface Harness {
  root: string;
  calls: string[];
  lines: string[];
  failOn?: string;
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<number>;
}

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

const AGENT_BYTES = Buffer.from('\x7fELF pretend single executable\n');
const WINSW_BYTES = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03]);

/** serviceCommand in-process: files go under a temporary root, commands go to a recorder. */
function harness(): Harness {
  const dir = tempDir('stocktake-service-');
  dirs.push(dir);
  const root = join(dir.path, 'root');
  mkdirSync(root);
  const selfPath = join(dir.path, 'stocktake-agent-built');
  writeFileSync(selfPath, AGENT_BYTES);
  const h: Harness = {
    root,
    calls: [],
    lines: [],
    run: (args, env = {}) =>
      serviceCommand([...args, '--root', root], env, {
        selfPath,
        isSingleExecutable: true,
        wrapper: WINSW_BYTES,
        out: (line) => h.lines.push(line),
        err: (line) => h.lines.push(`error: ${line}`),
        run: async (argv) => {
          h.calls.push(argv.join(' '));
          if (h.failOn && argv.join(' ').includes(h.failOn))
            return { code: 1, stdout: '', stderr: 'Failed to connect to bus' };
          return { code: 0, stdout: `status of ${argv.at(-1)}\n`, stderr: '' };
        },
      }),
  };
  return h;
}

const INSTALL = ['install', '--server', 'https://collector.example.org', '--enroll-secret', 'enrol-me'];

describe('service install and uninstall on Linux (temporary root, systemctl recorded)', () => {
  const populate = (root: string) => {
    put(root, '/etc/hostname', 'host\n');
    put(root, '/etc/systemd/system/ssh.service', '[Service]\nExecStart=/usr/sbin/sshd -D\n');
    put(root, '/usr/local/bin/other-tool', '#!/bin/sh\n', 0o755);
    put(root, '/var/lib/dpkg/status', 'Package: base-files\n');
  };

  it('installs config (0600), binary, unit; uninstall leaves the tree byte for byte as before', async () => {
    const h = harness();
    populate(h.root);
    const before = snapshotTree(h.root);

    expect(await h.run(['service', ...INSTALL].slice(1)), h.lines.join('\n')).toBe(0);
    const config = join(h.root, 'etc/stocktake/agent.json');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      server: 'https://collector.example.org',
      enrollSecret: 'enrol-me',
    });
    expect(statSync(config).mode & 0o777).toBe(0o600);
    const binary = join(h.root, 'usr/local/bin/stocktake-agent');
    expect(readFileSync(binary)).toEqual(AGENT_BYTES);
    expect(statSync(binary).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(h.root, 'etc/systemd/system/stocktake-agent.service'), 'utf8')).toBe(
      renderSystemdUnit(linuxLayout()),
    );
    expect(h.calls).toEqual([
      'systemctl daemon-reload',
      'systemctl enable stocktake-agent.service',
      'systemctl restart stocktake-agent.service',
    ]);

    // What the running service adds: its credentials in the state directory.
    put(h.root, '/var/lib/stocktake-agent/credentials.json', '{"agentToken":"t"}', 0o600);

    h.calls.length = 0;
    expect(await h.run(['uninstall']), h.lines.join('\n')).toBe(0);
    expect(h.calls).toEqual(['systemctl disable --now stocktake-agent.service', 'systemctl daemon-reload']);
    expect(snapshotTree(h.root)).toEqual(before);
  });

  it('an install into an empty root removes every directory it created', async () => {
    const h = harness();
    expect(await h.run(INSTALL)).toBe(0);
    expect(await h.run(['uninstall'])).toBe(0);
    expect(snapshotTree(h.root)).toEqual({});
  });

  it('reinstall (upgrade) keeps the first manifest, then uninstall still restores everything', async () => {
    const h = harness();
    populate(h.root);
    const before = snapshotTree(h.root);
    expect(await h.run(INSTALL)).toBe(0);
    expect(await h.run([...INSTALL.slice(0, 3), '--enroll-secret', 'new-secret'])).toBe(0);
    expect(JSON.parse(readFileSync(join(h.root, 'etc/stocktake/agent.json'), 'utf8')).enrollSecret).toBe('new-secret');
    expect(await h.run(['uninstall'])).toBe(0);
    expect(snapshotTree(h.root)).toEqual(before);
  });

  it('keeps what others put in its directories, and credentials with --keep-state', async () => {
    const h = harness();
    populate(h.root);
    put(h.root, '/etc/stocktake/collector.json', '{}');
    expect(await h.run(INSTALL)).toBe(0);
    put(h.root, '/var/lib/stocktake-agent/credentials.json', '{}', 0o600);
    expect(await h.run(['uninstall', '--keep-state'])).toBe(0);
    expect(readFileSync(join(h.root, 'etc/stocktake/collector.json'), 'utf8')).toBe('{}');
    expect(readFileSync(join(h.root, 'var/lib/stocktake-agent/credentials.json'), 'utf8')).toBe('{}');
    expect(h.lines.join('\n')).toContain('kept /var/lib/stocktake-agent (--keep-state)');
  });

  it('a failing systemctl stops install with its message; uninstall still cleans up', async () => {
    const h = harness();
    populate(h.root);
    const before = snapshotTree(h.root);
    h.failOn = 'enable';
    expect(await h.run(INSTALL)).toBe(70);
    expect(h.lines.at(-1)).toBe('error: systemctl enable stocktake-agent.service exited 1: Failed to connect to bus');
    expect(h.calls).not.toContain('systemctl restart stocktake-agent.service');
    h.failOn = 'disable';
    expect(await h.run(['uninstall'])).toBe(0);
    expect(snapshotTree(h.root)).toEqual(before);
  });

  it('bad input installs nothing and says what is wrong', async () => {
    const h = harness();
    expect(await h.run(['install', '--server', 'ftp://x', '--enroll-secret', 's'])).toBe(64);
    expect(await h.run(['install', '--server', 'https://x'])).toBe(64);
    expect(await h.run(['install', '--server', 'https://x', '--enroll-secret', 's', '--config', 'rel.json'])).toBe(70);
    expect(await h.run(['restart'])).toBe(64);
    expect(h.lines.filter((l) => l.startsWith('error:'))).toEqual([
      'error: --server must be an http:// or https:// URL, got "ftp://x"',
      'error: service install needs --enroll-secret S (or STOCKTAKE_ENROLL_SECRET)',
      'error: service install failed: --config must be an absolute path, got "rel.json"',
      [
        'error: unknown command "service restart" (did you mean service start?)',
        'Usage: stocktake-agent service <action> [options]',
        'See: stocktake-agent service --help',
      ].join('\n'),
    ]);
    expect(snapshotTree(h.root)).toEqual({});
    expect(h.calls).toEqual([]);
  });

  it('takes the server and secret from the environment', async () => {
    const h = harness();
    const env = { STOCKTAKE_SERVER: 'http://10.0.0.5:8080', STOCKTAKE_ENROLL_SECRET: 'from-env' };
    expect(await h.run(['install'], env)).toBe(0);
    expect(JSON.parse(readFileSync(join(h.root, 'etc/stocktake/agent.json'), 'utf8'))).toEqual({
      server: 'http://10.0.0.5:8080',
      enrollSecret: 'from-env',
    });
  });

  it('carries the CA bundle and the proxy into the config run reads, from flags or the installing shell', async () => {
    const h = harness();
    populate(h.root);
    const before = snapshotTree(h.root);
    const ca = join(h.root, '..', 'corp-ca.pem');
    writeFileSync(ca, rootCertificates[0] ?? '');
    const flags = ['--ca-file', ca, '--proxy', 'http://proxy.corp:3128', '--no-proxy', '.corp.internal'];
    // As agent/README.md shows it: server and secret from the environment, the rest as flags.
    const env = {
      STOCKTAKE_SERVER: 'https://collector.example.org',
      STOCKTAKE_ENROLL_SECRET: 'enrol-me',
      HTTPS_PROXY: 'http://ignored:1',
    };
    expect(await h.run(['install', ...flags], env), h.lines.join('\n')).toBe(0);
    const configPath = join(h.root, 'etc/stocktake/agent.json');
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({
      server: 'https://collector.example.org',
      enrollSecret: 'enrol-me',
      caFile: ca,
      proxy: 'http://proxy.corp:3128/',
      noProxy: '.corp.internal',
    });
    // The file install writes is one run accepts, with the same settings.
    const loaded = loadConfig({ config: configPath }, {}, { requireServer: true });
    expect(loaded.network.caFile).toBe(ca);
    expect(loaded.network.proxy?.url).toBe('http://proxy.corp:3128/');

    // Without flags: the installing shell's variables, since the service will not have them.
    expect(await h.run(INSTALL, { https_proxy: 'proxy.corp:8080', NO_PROXY: 'localhost' })).toBe(0);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({
      server: 'https://collector.example.org',
      enrollSecret: 'enrol-me',
      proxy: 'http://proxy.corp:8080/',
      noProxy: 'localhost',
    });
    expect(await h.run(['uninstall'])).toBe(0);
    expect(snapshotTree(h.root)).toEqual(before);

    // Unusable values install nothing.
    const calls = h.calls.length;
    const notPem = join(h.root, '..', 'not-pem.txt');
    writeFileSync(notPem, 'server=https://collector.example.org\n');
    expect(await h.run([...INSTALL, '--ca-file', notPem])).toBe(64);
    expect(await h.run([...INSTALL, '--proxy', 'socks5://p:1080'])).toBe(64);
    expect(h.lines.filter((l) => l.startsWith('error:')).slice(-2)).toEqual([
      `error: --ca-file: ${notPem} holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----" blocks)`,
      'error: --proxy: "socks5://p:1080" is not an http:// or https:// proxy URL (e.g. http://proxy:3128)',
    ]);
    expect(snapshotTree(h.root)).toEqual(before);
    expect(h.calls.length).toBe(calls);
  });

  it('start, stop and status go to systemctl; status passes its exit code through', async () => {
    const h = harness();
    expect(await h.run(['start'])).toBe(0);
    expect(await h.run(['stop'])).toBe(0);
    expect(await h.run(['status'])).toBe(0);
    expect(h.calls).toEqual([
      'systemctl start stocktake-agent.service',
      'systemctl stop stocktake-agent.service',
      'systemctl status --no-pager stocktake-agent.service',
    ]);
    expect(h.lines).toContain('status of stocktake-agent.service');
  });

  it.skipIf(!hasSystemdAnalyze)('systemd-analyze verify accepts the generated unit without a warning', () => {
    // verify checks that ExecStart exists: point the unit at a real executable in a temp dir.
    const dir = tempDir('stocktake-unit-');
    dirs.push(dir);
    const binary = join(dir.path, 'stocktake-agent');
    copyFileSync('/bin/true', binary);
    chmodSync(binary, 0o755);
    const unitPath = join(dir.path, 'stocktake-agent.service');
    writeFileSync(unitPath, renderSystemdUnit({ ...linuxLayout(), binaryPath: binary }, join(dir.path, 'agent.json')));
    const result = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });
});

const WIN_ENV = { ProgramFiles: 'C:\\Program Files', ProgramData: 'C:\\ProgramData' };

describe('service install and uninstall for Windows (staged on this machine, commands recorded)', () => {
  it('writes the agent, WinSW with its XML and .NET config, the locked-down config; uninstall restores', async () => {
    const h = harness();
    put(h.root, '/C/Program Files/Other/app.exe', 'MZ');
    put(h.root, '/C/ProgramData/Other/data.txt', 'x');
    const before = snapshotTree(h.root);
    expect(await h.run([...INSTALL, '--platform', 'win32'], WIN_ENV), h.lines.join('\n')).toBe(0);

    const dir = join(h.root, 'C/Program Files/Stocktake');
    expect(readdirSync(dir).sort()).toEqual([
      'stocktake-agent-service.exe',
      'stocktake-agent-service.exe.config',
      'stocktake-agent-service.xml',
      'stocktake-agent.exe',
    ]);
    expect(readFileSync(join(dir, 'stocktake-agent.exe'))).toEqual(AGENT_BYTES);
    expect(new Uint8Array(readFileSync(join(dir, 'stocktake-agent-service.exe')))).toEqual(WINSW_BYTES);
    const xml = readFileSync(join(dir, 'stocktake-agent-service.xml'), 'utf8');
    expect(xml).toBe(renderWinswXml(windowsLayout(WIN_ENV)));
    expect(JSON.parse(readFileSync(join(h.root, 'C/ProgramData/Stocktake/agent.json'), 'utf8'))).toEqual({
      server: 'https://collector.example.org',
      enrollSecret: 'enrol-me',
    });
    expect(h.calls).toEqual([
      'icacls.exe C:\\ProgramData\\Stocktake /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F',
      'icacls.exe C:\\ProgramData\\Stocktake\\agent.json /inheritance:r /grant:r *S-1-5-18:F *S-1-5-32-544:F',
      'C:\\Program Files\\Stocktake\\stocktake-agent-service.exe install',
      'C:\\Program Files\\Stocktake\\stocktake-agent-service.exe start',
    ]);

    put(h.root, '/C/ProgramData/Stocktake/state/credentials.json', '{}');
    put(h.root, '/C/ProgramData/Stocktake/logs/stocktake-agent-service.err.log', 'log');
    h.calls.length = 0;
    expect(await h.run(['uninstall', '--platform', 'win32'], WIN_ENV), h.lines.join('\n')).toBe(0);
    expect(h.calls).toEqual([
      'C:\\Program Files\\Stocktake\\stocktake-agent-service.exe stop',
      'C:\\Program Files\\Stocktake\\stocktake-agent-service.exe uninstall',
    ]);
    expect(snapshotTree(h.root)).toEqual(before);
  });

  it.skipIf(!hasPython)('the WinSW XML and .NET config are well-formed XML', async () => {
    const h = harness();
    expect(await h.run([...INSTALL, '--platform', 'win32'], WIN_ENV)).toBe(0);
    const dir = join(h.root, 'C/Program Files/Stocktake');
    const parsed = execFileSync(
      'python3',
      [
        '-c',
        `import sys, json, xml.etree.ElementTree as E
s = E.parse(sys.argv[1]).getroot()
E.parse(sys.argv[2])
print(json.dumps({"root": s.tag, "id": s.findtext("id"), "executable": s.findtext("executable"),
  "arguments": [a.text for a in s.findall("argument")], "onfailure": [a.attrib for a in s.findall("onfailure")]}))`,
        join(dir, 'stocktake-agent-service.xml'),
        join(dir, 'stocktake-agent-service.exe.config'),
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(parsed)).toEqual({
      root: 'service',
      id: 'stocktake-agent',
      executable: 'C:\\Program Files\\Stocktake\\stocktake-agent.exe',
      arguments: ['run', '--config', 'C:\\ProgramData\\Stocktake\\agent.json'],
      onfailure: [
        { action: 'restart', delay: '10 sec' },
        { action: 'restart', delay: '60 sec' },
      ],
    });
  });

  it('refuses to install without the wrapper rather than register a service that cannot start', async () => {
    const dir = tempDir('stocktake-service-');
    dirs.push(dir);
    const lines: string[] = [];
    const code = await serviceCommand([...INSTALL, '--platform', 'win32', '--root', dir.path], WIN_ENV, {
      selfPath: process.execPath,
      isSingleExecutable: true,
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      run: async () => ({ code: 0, stdout: '', stderr: '' }),
    });
    expect(code).toBe(70);
    expect(lines.join('\n')).toMatch(/does not carry the Windows service wrapper/);
    expect(readdirSync(dir.path)).toEqual([]);
  });
});

describe('service install and uninstall for macOS (staged on this machine, launchctl recorded)', () => {
  it('writes the daemon plist, config and log directory; uninstall restores', async () => {
    const h = harness();
    put(h.root, '/Library/LaunchDaemons/com.example.other.plist', '<plist/>');
    put(h.root, '/usr/local/bin/brew', '#!/bin/sh\n', 0o755);
    const before = snapshotTree(h.root);
    expect(await h.run([...INSTALL, '--platform', 'darwin']), h.lines.join('\n')).toBe(0);
    const plistPath = join(h.root, 'Library/LaunchDaemons/com.stocktake.agent.plist');
    expect(readFileSync(plistPath, 'utf8')).toBe(renderLaunchdPlist(darwinLayout()));
    expect(statSync(plistPath).mode & 0o777).toBe(0o644);
    const config = join(h.root, 'Library/Application Support/Stocktake/agent.json');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(join(h.root, 'Library/Logs/Stocktake')).isDirectory()).toBe(true);
    expect(h.calls).toEqual(['launchctl bootstrap system /Library/LaunchDaemons/com.stocktake.agent.plist']);

    put(h.root, '/Library/Application Support/Stocktake/state/credentials.json', '{}', 0o600);
    put(h.root, '/Library/Logs/Stocktake/agent.log', 'log');
    h.calls.length = 0;
    expect(await h.run(['uninstall', '--platform', 'darwin'])).toBe(0);
    expect(h.calls).toEqual(['launchctl bootout system/com.stocktake.agent']);
    expect(snapshotTree(h.root)).toEqual(before);
  });

  it.skipIf(!hasPython)('the plist is a valid property list with RunAtLoad and KeepAlive', () => {
    const dir = tempDir('stocktake-plist-');
    dirs.push(dir);
    const path = join(dir.path, 'com.stocktake.agent.plist');
    writeFileSync(path, renderLaunchdPlist(darwinLayout()));
    const json = execFileSync(
      'python3',
      ['-c', 'import sys, json, plistlib; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))', path],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(json)).toEqual({
      Label: 'com.stocktake.agent',
      ProgramArguments: [
        '/usr/local/bin/stocktake-agent',
        'run',
        '--config',
        '/Library/Application Support/Stocktake/agent.json',
      ],
      EnvironmentVariables: { STOCKTAKE_STATE_DIR: '/Library/Application Support/Stocktake/state' },
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 30,
      ProcessType: 'Background',
      Umask: 63,
      StandardOutPath: '/Library/Logs/Stocktake/agent.log',
      StandardErrorPath: '/Library/Logs/Stocktake/agent.log',
    });
  });
});
