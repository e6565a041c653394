import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.ts';
import { runCollectorServiceCommand } from './service-command.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function io() {
  const lines = { out: '', err: '' };
  return {
    lines,
    io: {
      out: (text: string) => {
        lines.out += text;
      },
      err: (text: string) => {
        lines.err += text;
      },
    },
  };
}

const config = resolveConfig({}, {});
const NODE = ['/usr/bin/node', '/opt/stocktake/bin/stocktake-collector.mjs'];

describe('stocktake-collector service', () => {
  it('refuses to touch the real system unless root, and says why', async () => {
    const { io: out, lines } = io();
    const calls: string[] = [];
    const run = async (argv: readonly string[]) => {
      calls.push(argv.join(' '));
      return { code: 0, stdout: '', stderr: '' };
    };
    expect(
      await runCollectorServiceCommand({ action: 'install', config }, out, { uid: 1000, platform: 'linux', run }),
    ).toBe(77);
    expect(lines.err).toBe('stocktake-collector: service install must run as root (sudo)\n');
    expect(
      await runCollectorServiceCommand({ action: 'install', config }, out, { uid: 0, platform: 'darwin', run }),
    ).toBe(64);
    expect(lines.err).toContain('Linux only');
    expect(calls).toEqual([]);
  });

  it('status passes systemctl’s exit code and output through', async () => {
    const { io: out, lines } = io();
    const run = async (argv: readonly string[]) => ({ code: 3, stdout: `${argv.join(' ')}: inactive\n`, stderr: '' });
    const code = await runCollectorServiceCommand({ action: 'status', config }, out, {
      uid: 1000,
      platform: 'linux',
      run,
    });
    expect(code).toBe(3);
    expect(lines.out).toBe('systemctl status --no-pager stocktake-collector.service: inactive\n');
  });

  it('a failing systemctl stops install with its message (70); what was written stays for uninstall', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stocktake-service-unit-'));
    dirs.push(root);
    const { io: out, lines } = io();
    const run = async (argv: readonly string[]) =>
      argv.includes('enable')
        ? { code: 1, stdout: '', stderr: 'Failed to connect to bus' }
        : { code: 0, stdout: '', stderr: '' };
    const code = await runCollectorServiceCommand({ action: 'install', config, root }, out, { run, execStart: NODE });
    expect(code).toBe(70);
    expect(lines.err).toBe(
      'stocktake-collector: systemctl enable stocktake-collector.service exited 1: Failed to connect to bus\n',
    );
    expect(lines.out).toContain('wrote /etc/stocktake/collector.install.json');
  });

  it('refuses a relative program path in the unit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stocktake-service-unit-'));
    dirs.push(root);
    const { io: out, lines } = io();
    const code = await runCollectorServiceCommand({ action: 'install', config, root }, out, {
      execStart: ['node', 'collector.mjs'],
    });
    expect(code).toBe(70);
    expect(lines.err).toBe(
      'stocktake-collector: service install failed: the unit must run absolute paths, got "node"\n',
    );
  });
});

describe('stocktake-collector service install over an earlier install', () => {
  it('moves the settings from the environment file earlier versions wrote into the config file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stocktake-service-unit-'));
    dirs.push(root);
    mkdirSync(join(root, 'etc/stocktake'), { recursive: true });
    writeFileSync(join(root, 'etc/stocktake/collector.env'), 'STOCKTAKE_PORT=8443\n', { mode: 0o600 });
    writeFileSync(
      join(root, 'etc/stocktake/collector.install.json'),
      JSON.stringify({
        version: 1,
        platform: 'linux',
        collectorVersion: '0.0.9',
        configPath: '/etc/stocktake/collector.env',
        createdDirs: [],
      }),
    );
    const { io: out, lines } = io();
    const installed = resolveConfig({ port: '8443' }, {});
    expect(
      await runCollectorServiceCommand({ action: 'install', config: installed, root }, out, { execStart: NODE }),
    ).toBe(0);
    expect(lines.err).toBe('');
    expect(existsSync(join(root, 'etc/stocktake/collector.env'))).toBe(false);
    expect(JSON.parse(readFileSync(join(root, 'etc/stocktake/collector.json'), 'utf8'))).toEqual({
      db: '/var/lib/stocktake/stocktake.db',
      host: '127.0.0.1',
      port: 8443,
    });
    const unit = readFileSync(join(root, 'etc/systemd/system/stocktake-collector.service'), 'utf8');
    expect(unit).not.toContain('EnvironmentFile=');
    expect(unit.split('\n')).toContain('Environment=STOCKTAKE_CONFIG=%d/collector.json');
    expect(await runCollectorServiceCommand({ action: 'uninstall', config: installed, root }, out)).toBe(0);
    expect(existsSync(join(root, 'etc/stocktake/collector.json'))).toBe(false);
  });
});
