import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { DeviceChange, DeviceDetail, DeviceListItem } from '@stocktake/shared/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHeaders } from '../support/agent-service.ts';
import { type RunningCollector, runAgent, startCollector, tempDir } from '../support/processes.ts';

/**
 * Debian's own OCS Inventory and FusionInventory agents (`apt-get install ocsinventory-agent
 * fusioninventory-agent`, as .ci/run does) report this machine to a real collector on
 * 127.0.0.1 with only their server URL changed; then the machine moves to Stocktake's agent.
 * Each agent keeps its state in a temporary directory, never under /var/lib.
 */

const OCS_AGENT = '/usr/bin/ocsinventory-agent';
const FUSION_AGENT = '/usr/bin/fusioninventory-agent';
const SECRET = 'e2e-peer-agents-secret';
const SLOW = { timeout: 300_000 };

const isRoot = process.getuid?.() === 0;

/**
 * The README's section on other tools' agents: the commands and configuration lines it shows
 * are the ones run here, with the example collector's URL and secret replaced by this test's.
 */
const README = readFileSync(resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('### Other inventory agents'), README.indexOf('### The API'));
function readmeLine(prefix: string, after?: string): string {
  const lines = SECTION.split('\n');
  const from = after === undefined ? 0 : lines.indexOf(after) + 1;
  const line = lines.slice(from).find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`the README shows no line starting "${prefix}"`);
  return line;
}
const here = (line: string, url: string) =>
  line.replaceAll('https://collector.example.org', url).replaceAll('ENROLL_SECRET', SECRET);
/** A README command's arguments (its words after the program), as this test runs them. */
const readmeArgs = (prefix: string, url: string) => here(readmeLine(prefix), url).split(/\s+/).slice(1);
/** `pnpm collector serve --peer-agents secret`: the flags after `serve`. */
const SERVE_FLAGS = readmeLine('pnpm collector serve').split(/\s+/).slice(3);
/** Why a block is skipped, in its title: only when the agent is absent or cannot run. */
const skipReason = (bin: string) =>
  !existsSync(bin) ? ` (skipped: ${bin} is not installed)` : !isRoot ? ' (skipped: the agent needs root)' : '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The packages `dpkg-query -W` lists as installed (not those removed with their configuration left). */
function dpkgInstalledCount(): number {
  const out = execFileSync('dpkg-query', ['-W', `-f=\${db:Status-Status}\n`], { encoding: 'utf8' });
  return out.split('\n').filter((s) => s === 'installed').length;
}

async function api<T>(collector: RunningCollector, headers: Record<string, string>, path: string): Promise<T> {
  const res = await fetch(`${collector.url}${path}`, { headers });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

async function onlyDevice(collector: RunningCollector, headers: Record<string, string>): Promise<DeviceDetail> {
  const list = await api<{ items: DeviceListItem[] }>(collector, headers, '/api/v1/devices');
  expect(list.items).toHaveLength(1);
  return api<DeviceDetail>(collector, headers, `/api/v1/devices/${list.items[0]?.id}`);
}

async function allChanges(collector: RunningCollector, headers: Record<string, string>, deviceId: string) {
  const page = await api<{ items: DeviceChange[] }>(
    collector,
    headers,
    `/api/v1/devices/${deviceId}/changes?limit=500`,
  );
  return page.items.map((c) => `${c.kind} ${c.subject ?? ''}`);
}

/** What both agents fill on this machine: the OS, the processor, the memory, the host name. */
function expectHardwareFilled(device: DeviceDetail): void {
  expect(device.hostname).toBe(hostname().split('.')[0]);
  expect(device.osName).toMatch(/Debian|Ubuntu|Linux/);
  expect(device.cpuModel).toBeTruthy();
  expect(device.cpuCores).toBeGreaterThan(0);
  expect(device.memoryBytes).toBeGreaterThan(0);
}

describe(
  `Debian's ocsinventory-agent reports to the collector, then the machine moves to Stocktake's agent${skipReason(OCS_AGENT)}`,
  SLOW,
  () => {
    if (skipReason(OCS_AGENT)) {
      it.skip('needs ocsinventory-agent, run as root');
      return;
    }
    const dir = tempDir('stocktake-e2e-ocs-');
    const dbPath = join(dir.path, 'stocktake.db');
    const state = join(dir.path, 'ocs-state');
    let collector: RunningCollector;
    let headers: Record<string, string>;

    beforeAll(async () => {
      collector = await startCollector({ dbPath, enrollSecret: SECRET, extraArgs: ['--peer-agents', 'secret'] });
      headers = await apiHeaders(dbPath);
      mkdirSync(state, { recursive: true });
    });
    afterAll(async () => {
      await collector?.stop();
      dir.remove();
    });

    // The README's command (Debian's /etc/ocsinventory/ocsinventory-agent.cfg sets local=, which
    // --nolocal overrides), with the agent's state and log kept in the test's directory.
    const ocsAgent = () =>
      run(OCS_AGENT, [
        ...readmeArgs('ocsinventory-agent ', collector.url),
        `--basevardir=${state}`,
        `--logfile=${join(dir.path, 'ocs.log')}`,
      ]);

    it("the README's configuration line names the URL its command uses", () => {
      const line = readmeLine(
        'server=',
        "# /etc/ocsinventory/ocsinventory-agent.cfg (Debian's package also sets local=...: delete that line, or the agent writes files instead of sending)",
      );
      expect(here(line, 'http://c')).toBe(`server=http://c/ocsinventory/${SECRET}`);
      expect(readmeArgs('ocsinventory-agent ', 'http://c')).toContain(`http://c/ocsinventory/${SECRET}`);
    });

    let deviceId = '';
    let changesAfterFirst: string[] = [];

    it('shows the machine with every dpkg package and the hardware the agent fills, marked ocs', async () => {
      const first = await ocsAgent();
      expect(first.code, `${first.stdout}${first.stderr}`).toBe(0);
      const device = await onlyDevice(collector, headers);
      expect(device.agentKind).toBe('ocs');
      expect(device.agentVersion).toMatch(/^\d+\.\d+/);
      expect(device.softwareCount).toBe(dpkgInstalledCount());
      expect(device.software.every((s) => s.source === 'dpkg')).toBe(true);
      expectHardwareFilled(device);
      deviceId = device.id;
      changesAfterFirst = await allChanges(collector, headers, deviceId);
      expect(changesAfterFirst.map((c) => c.split(' ')[0])).toEqual(['first_seen']);
    });

    it('a second run stores no duplicate device and no change', async () => {
      const second = await ocsAgent();
      expect(second.code, `${second.stdout}${second.stderr}`).toBe(0);
      const device = await onlyDevice(collector, headers);
      expect(device.id).toBe(deviceId);
      expect(await allChanges(collector, headers, deviceId)).toEqual(changesAfterFirst);
    });

    it("stays one device when the machine moves to Stocktake's agent", async () => {
      const once = await runAgent([
        'once',
        '--server',
        collector.url,
        '--enroll-secret',
        SECRET,
        '--state-dir',
        join(dir.path, 'stocktake-state'),
      ]);
      expect(once.code, once.stderr).toBe(0);
      expect(once.stdout).toContain(`for device ${deviceId}`);
      const device = await onlyDevice(collector, headers);
      expect(device).toMatchObject({ id: deviceId, agentKind: 'stocktake' });
      const changes = await allChanges(collector, headers, deviceId);
      // Its history continues: the first sighting by the OCS agent, then the change of agent.
      expect(changes.filter((c) => c.startsWith('first_seen'))).toHaveLength(1);
      expect(changes.filter((c) => c.startsWith('agent_replaced'))).toHaveLength(1);
      // Both agents read the same dpkg database: no package comes or goes with the change of agent.
      expect(changes.filter((c) => c.startsWith('software_'))).toEqual([]);
      // The OCS agent, still installed, is told to send nothing more.
      const after = await run(OCS_AGENT, [
        '--server',
        `${collector.url}/ocsinventory/${SECRET}`,
        '--nolocal',
        `--basevardir=${state}`,
        `--logfile=${join(dir.path, 'ocs.log')}`,
      ]);
      expect(after.code, `${after.stdout}${after.stderr}`).toBe(0);
      expect((await onlyDevice(collector, headers)).agentKind).toBe('stocktake');
    });
  },
);

describe(`Debian's fusioninventory-agent reports to the collector${skipReason(FUSION_AGENT)}`, SLOW, () => {
  if (skipReason(FUSION_AGENT)) {
    it.skip('needs fusioninventory-agent, run as root');
    return;
  }
  const dir = tempDir('stocktake-e2e-fusion-');
  const dbPath = join(dir.path, 'stocktake.db');
  let collector: RunningCollector;
  let headers: Record<string, string>;

  beforeAll(async () => {
    collector = await startCollector({ dbPath, enrollSecret: SECRET, extraArgs: SERVE_FLAGS });
    headers = await apiHeaders(dbPath);
    // The agent takes its state directory from its `setup` module only (/var/lib/fusioninventory-agent):
    // one of our own, loaded first, points it at a temporary directory instead.
    mkdirSync(join(dir.path, 'setup'));
    mkdirSync(join(dir.path, 'var'));
    writeFileSync(
      join(dir.path, 'setup', 'setup.pm'),
      [
        'package setup;',
        'use strict; use warnings;',
        'use parent qw(Exporter);',
        "our @EXPORT = ('%setup');",
        `our %setup = (datadir => '/usr/share/fusioninventory', libdir => '/usr/share/fusioninventory/lib', vardir => '${join(dir.path, 'var')}');`,
        '1;',
        '',
      ].join('\n'),
    );
    // The README's line of agent.cfg, for the run without --server.
    writeFileSync(
      join(dir.path, 'agent.cfg'),
      `${here(readmeLine('server = ', '# /etc/fusioninventory/agent.cfg'), collector.url)}\n`,
    );
    writeFileSync(join(dir.path, 'empty.cfg'), '');
  });
  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  /** The agent with its state in the test's directory, no web interface of its own, and only the inventory task. */
  const fusionAgent = (args: string[], config: string) =>
    run('perl', [
      `-I${join(dir.path, 'setup')}`,
      '-Msetup',
      FUSION_AGENT,
      `--conf-file=${join(dir.path, config)}`,
      ...args,
      '--no-httpd',
      '--logger=stderr',
      '--tasks=inventory',
    ]);

  it('shows the machine with every dpkg package and the hardware the agent fills, marked fusioninventory; a second run changes nothing', async () => {
    // First the README's command, then the README's configuration line alone.
    const first = await fusionAgent(readmeArgs('fusioninventory-agent ', collector.url), 'empty.cfg');
    expect(first.code, `${first.stdout}${first.stderr}`).toBe(0);
    const device = await onlyDevice(collector, headers);
    expect(device.agentKind).toBe('fusioninventory');
    expect(device.softwareCount).toBe(dpkgInstalledCount());
    expectHardwareFilled(device);
    expect(device.kernel).toBeTruthy();
    const changes = await allChanges(collector, headers, device.id);

    const second = await fusionAgent(['--force'], 'agent.cfg');
    expect(second.code, `${second.stdout}${second.stderr}`).toBe(0);
    expect((await onlyDevice(collector, headers)).id).toBe(device.id);
    expect(await allChanges(collector, headers, device.id)).toEqual(changes);
  });
});
