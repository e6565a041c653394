import { describe, expect, it } from 'vitest';
import { linuxLayout } from './layout.ts';
import { renderSystemdUnit, systemdQuote } from './systemd.ts';

/** Directive lines (comments dropped) grouped by section, in order. */
function directives(unit: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] | undefined;
  for (const raw of unit.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header?.[1]) {
      current = [];
      sections.set(header[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 1) throw new Error(`not a directive: ${line}`);
    current.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return sections;
}

describe('systemd unit', () => {
  const layout = linuxLayout();
  const unit = renderSystemdUnit(layout);
  const service = new Map(directives(unit).get('Service'));

  it('runs the installed binary with the config and restarts it on failure', () => {
    expect(service.get('ExecStart')).toBe('/usr/local/bin/stocktake-agent run --config /etc/stocktake/agent.json');
    expect(service.get('Restart')).toBe('on-failure');
    expect(service.get('RestartSec')).toBe('30s');
    expect(service.get('Environment')).toBe('STOCKTAKE_STATE_DIR=/var/lib/stocktake-agent');
    expect(new Map(directives(unit).get('Install')).get('WantedBy')).toBe('multi-user.target');
  });

  it('sandboxes with a writable state directory only', () => {
    expect(service.get('ProtectSystem')).toBe('strict');
    expect(service.get('StateDirectory')).toBe('stocktake-agent');
    expect(service.get('StateDirectoryMode')).toBe('0700');
    expect(service.get('ProtectHome')).toBe('read-only');
    for (const key of ['PrivateTmp', 'NoNewPrivileges', 'ProtectKernelTunables', 'ProtectKernelModules']) {
      expect(service.get(key), key).toBe('yes');
    }
    expect(service.has('ReadWritePaths')).toBe(false);
  });

  it('keeps DMI, /dev/mem, block devices and the kernel log reachable for inventory', () => {
    for (const key of [
      'PrivateDevices',
      'ProtectClock',
      'DevicePolicy',
      'DeviceAllow',
      'ProtectKernelLogs',
      'ProtectHostname',
      'ProtectProc',
      'MemoryDenyWriteExecute',
      'InaccessiblePaths',
    ]) {
      expect(service.has(key), key).toBe(false);
    }
    // Capabilities only ever removed from the bounding set, never the ones hardware reads need.
    const dropped = service.get('CapabilityBoundingSet') ?? '';
    expect(dropped.startsWith('~CAP_SYS_TIME ')).toBe(true);
    for (const needed of [
      'CAP_SYS_RAWIO',
      'CAP_SYS_ADMIN',
      'CAP_DAC_READ_SEARCH',
      'CAP_DAC_OVERRIDE',
      'CAP_SYS_PTRACE',
    ]) {
      expect(dropped.split(/[~ ]/), needed).not.toContain(needed);
    }
  });

  it('sets no directive twice', () => {
    for (const [section, entries] of directives(unit)) {
      const keys = entries.map(([key]) => key);
      expect(new Set(keys).size, section).toBe(keys.length);
    }
  });

  it('quotes a config path with spaces so systemd reads one argument', () => {
    const custom = renderSystemdUnit(layout, '/etc/stock take/agent "a".json');
    expect(new Map(directives(custom).get('Service')).get('ExecStart')).toBe(
      '/usr/local/bin/stocktake-agent run --config "/etc/stock take/agent \\"a\\".json"',
    );
    expect(systemdQuote('C:\\x y')).toBe('"C:\\\\x y"');
  });
});
