import type { InstallManifest } from '@stocktake/shared/service';
import { describe, expect, it } from 'vitest';
import { darwinLayout, linuxLayout, windowsLayout } from './layout.ts';
import { controlPlan, installPlan, type Step, uninstallPlan } from './plan.ts';

const config = { server: 'https://st.example.org', enrollSecret: 'secret' };
const wrapper = new Uint8Array([0x4d, 0x5a]);
const win = windowsLayout({ ProgramFiles: 'C:\\Program Files', ProgramData: 'C:\\ProgramData' });

const commands = (steps: Step[]) => steps.flatMap((s) => (s.op === 'run' ? [s.argv.join(' ')] : []));
const indexOf = (steps: Step[], predicate: (s: Step) => boolean) => {
  const i = steps.findIndex(predicate);
  if (i < 0) throw new Error('step not in plan');
  return i;
};
const writes = (steps: Step[], path: string) => steps.find((s) => s.op === 'write' && s.path === path);

describe('install plans', () => {
  it('Linux: config 0600, binary, unit, then systemctl', () => {
    const steps = installPlan({ layout: linuxLayout(), config });
    expect(writes(steps, '/etc/stocktake/agent.json')).toMatchObject({ mode: 0o600 });
    expect(steps).toContainEqual({ op: 'install-self', path: '/usr/local/bin/stocktake-agent', mode: 0o755 });
    expect(writes(steps, '/etc/systemd/system/stocktake-agent.service')).toMatchObject({ mode: 0o644 });
    expect(commands(steps)).toEqual([
      'systemctl daemon-reload',
      'systemctl enable stocktake-agent.service',
      'systemctl restart stocktake-agent.service',
    ]);
    // The manifest is on disk before any command can fail, so uninstall can always clean up.
    expect(indexOf(steps, (s) => s.op === 'save-manifest')).toBeLessThan(indexOf(steps, (s) => s.op === 'run'));
  });

  it('Linux: --config moves the file and the unit follows it', () => {
    const steps = installPlan({ layout: linuxLayout(), config, configPath: '/opt/st/agent.json' });
    expect(writes(steps, '/opt/st/agent.json')).toBeDefined();
    const unit = writes(steps, '/etc/systemd/system/stocktake-agent.service');
    expect(unit?.op === 'write' && String(unit.content)).toContain('run --config /opt/st/agent.json');
    expect(steps).toContainEqual({
      op: 'save-manifest',
      path: '/etc/stocktake/agent.install.json',
      configPath: '/opt/st/agent.json',
    });
    expect(() => installPlan({ layout: linuxLayout(), config, configPath: 'agent.json' })).toThrow(/absolute/);
  });

  it('Windows: ACL on the data directory before the secret is written, then WinSW install and start', () => {
    const steps = installPlan({ layout: win, config, wrapper });
    const lockDir = indexOf(steps, (s) => s.op === 'run' && s.argv[0] === 'icacls.exe' && s.argv[1] === win.dataDir);
    const writeConfig = indexOf(steps, (s) => s.op === 'write' && s.path === win.configPath);
    const lockFile = indexOf(steps, (s) => s.op === 'run' && s.argv[1] === win.configPath);
    expect(lockDir).toBeLessThan(writeConfig);
    expect(writeConfig).toBeLessThan(lockFile);
    expect(writes(steps, win.wrapperPath)).toMatchObject({ content: wrapper });
    expect(writes(steps, win.wrapperXmlPath)).toBeDefined();
    expect(writes(steps, win.wrapperRuntimeConfigPath)).toBeDefined();
    expect(commands(steps).slice(-2)).toEqual([
      'C:\\Program Files\\Stocktake\\stocktake-agent-service.exe install',
      'C:\\Program Files\\Stocktake\\stocktake-agent-service.exe start',
    ]);
    expect(() => installPlan({ layout: win, config })).toThrow(/wrapper/);
  });

  it('Windows upgrade: stop first (files are locked), no second install', () => {
    const previous: InstallManifest = {
      version: 1,
      platform: 'win32',
      agentVersion: '0.1.0',
      configPath: win.configPath,
      createdDirs: [],
    };
    const steps = installPlan({ layout: win, config, wrapper, previous });
    expect(steps[0]).toEqual({ op: 'run', argv: [win.wrapperPath, 'stop'], allowFailure: true });
    expect(commands(steps).some((c) => c.endsWith(' install'))).toBe(false);
    expect(commands(steps).at(-1)).toBe(`${win.wrapperPath} start`);
  });

  it('macOS: log directory and plist, then bootstrap into the system domain', () => {
    const layout = darwinLayout();
    const steps = installPlan({ layout, config });
    expect(writes(steps, '/Library/Application Support/Stocktake/agent.json')).toMatchObject({ mode: 0o600 });
    expect(steps).toContainEqual({ op: 'mkdir', path: '/Library/Logs/Stocktake', mode: 0o755 });
    expect(writes(steps, '/Library/LaunchDaemons/com.stocktake.agent.plist')).toMatchObject({ mode: 0o644 });
    expect(commands(steps)).toEqual(['launchctl bootstrap system /Library/LaunchDaemons/com.stocktake.agent.plist']);
    const previous: InstallManifest = {
      version: 1,
      platform: 'darwin',
      agentVersion: '0.1.0',
      configPath: layout.configPath,
      createdDirs: [],
    };
    expect(commands(installPlan({ layout, config, previous }))[0]).toBe('launchctl bootout system/com.stocktake.agent');
  });
});

describe('uninstall plans', () => {
  const manifest: InstallManifest = {
    version: 1,
    platform: 'linux',
    agentVersion: '0.1.0',
    configPath: '/opt/st/agent.json',
    createdDirs: ['/opt/st', '/etc/stocktake'],
  };

  it('Linux: stops the unit, removes files, credentials, then created directories deepest-last-created first', () => {
    const steps = uninstallPlan({ layout: linuxLayout(), manifest });
    expect(steps[0]).toEqual({
      op: 'run',
      argv: ['systemctl', 'disable', '--now', 'stocktake-agent.service'],
      allowFailure: true,
    });
    expect(steps).toContainEqual({ op: 'remove', path: '/opt/st/agent.json' });
    expect(steps).toContainEqual({ op: 'remove-tree', path: '/var/lib/stocktake-agent' });
    expect(steps.filter((s) => s.op === 'rmdir-if-empty')).toEqual([
      { op: 'rmdir-if-empty', path: '/etc/stocktake' },
      { op: 'rmdir-if-empty', path: '/opt/st' },
    ]);
  });

  it('--keep-state keeps the credentials and says so', () => {
    const steps = uninstallPlan({ layout: linuxLayout(), manifest, keepState: true });
    expect(steps.some((s) => s.op === 'remove-tree')).toBe(false);
    expect(steps).toContainEqual({
      op: 'note',
      text: "kept /var/lib/stocktake-agent (--keep-state): it holds this agent's credentials",
    });
  });

  it('without a manifest removes the files by name and no directory', () => {
    const steps = uninstallPlan({ layout: linuxLayout() });
    expect(steps).toContainEqual({ op: 'remove', path: '/etc/stocktake/agent.json' });
    expect(steps.some((s) => s.op === 'rmdir-if-empty')).toBe(false);
  });

  it('Windows and macOS remove the service first and their log directories', () => {
    const winSteps = uninstallPlan({ layout: win });
    expect(commands(winSteps)).toEqual([`${win.wrapperPath} stop`, `${win.wrapperPath} uninstall`]);
    expect(winSteps).toContainEqual({ op: 'remove-tree', path: 'C:\\ProgramData\\Stocktake\\logs' });
    expect(winSteps).toContainEqual({ op: 'remove', path: win.wrapperPath });
    const macSteps = uninstallPlan({ layout: darwinLayout() });
    expect(commands(macSteps)).toEqual(['launchctl bootout system/com.stocktake.agent']);
    expect(macSteps).toContainEqual({ op: 'remove', path: '/Library/LaunchDaemons/com.stocktake.agent.plist' });
    expect(macSteps).toContainEqual({ op: 'remove-tree', path: '/Library/Logs/Stocktake' });
  });
});

describe('start, stop, status', () => {
  it.each([
    ['linux', 'start', ['systemctl start stocktake-agent.service']],
    ['linux', 'status', ['systemctl status --no-pager stocktake-agent.service']],
    ['win32', 'stop', ['C:\\Program Files\\Stocktake\\stocktake-agent-service.exe stop']],
    ['win32', 'status', ['sc.exe query stocktake-agent']],
    [
      'darwin',
      'start',
      [
        'launchctl bootstrap system /Library/LaunchDaemons/com.stocktake.agent.plist',
        'launchctl kickstart system/com.stocktake.agent',
      ],
    ],
    ['darwin', 'stop', ['launchctl bootout system/com.stocktake.agent']],
    ['darwin', 'status', ['launchctl print system/com.stocktake.agent']],
  ] as const)('%s %s', (platform, action, expected) => {
    const layout = platform === 'linux' ? linuxLayout() : platform === 'win32' ? win : darwinLayout();
    expect(commands(controlPlan(layout, action))).toEqual(expected);
  });
});
