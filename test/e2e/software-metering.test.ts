import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, apiHeaders, until, writeAgentConfig } from '../support/agent-service.ts';
import { type RunningCollector, startCollector, tempDir } from '../support/processes.ts';

/**
 * Software metering on a real Linux machine: two tiny packages built with dpkg-deb and
 * installed with dpkg, one of them run while `stocktake-agent run` samples the process list;
 * the collector shows that install used and, classified 91 days on, the other one unused.
 * Needs root (dpkg -i) and dpkg-deb, as on Debian CI; the packages are removed afterwards.
 */

const SECRET = 'e2e-metering-secret';
const USED = 'stk-metering-used';
const IDLE = 'stk-metering-idle';

const canRun =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('dpkg-deb', ['--version']).status === 0 &&
  spawnSync('dpkg', ['--version']).status === 0;

/** A binary package holding one program: a copy of an ELF binary, so /proc/<pid>/exe names it. */
function buildPackage(dir: string, name: string, elf: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
  copyFileSync(elf, join(root, 'usr', 'bin', name));
  chmodSync(join(root, 'usr', 'bin', name), 0o755);
  writeFileSync(
    join(root, 'DEBIAN', 'control'),
    `Package: ${name}\nVersion: 1.0-1\nArchitecture: all\nMaintainer: Stocktake tests <tests@stocktake.invalid>\nDescription: metering test package\n`,
  );
  const deb = join(dir, `${name}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: 'ignore' });
  return deb;
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

interface UsageView {
  sources: { via: string; since: string }[] | null;
  items: { name: string; lastUsed: string | null; via: string | null; class: string }[];
}

describe.skipIf(!canRun)('software metering with stocktake-agent run on this machine', () => {
  const dir = tempDir('stocktake-e2e-metering-');
  const dbPath = join(dir.path, 'collector.db');
  let collector: RunningCollector;
  let agent: AgentProcess | undefined;
  let running: ReturnType<typeof spawn> | undefined;
  let headers: Record<string, string> = {};
  let deviceId = '';
  const usage = async (asOf?: string) =>
    (await (
      await fetch(`${collector.url}/api/v1/devices/${deviceId}/usage${asOf ? `?asOf=${asOf}` : ''}`, { headers })
    ).json()) as UsageView;
  const item = (view: UsageView, name: string) => view.items.find((i) => i.name === name);

  beforeAll(async () => {
    execFileSync(
      'dpkg',
      ['-i', buildPackage(dir.path, USED, '/bin/sleep'), buildPackage(dir.path, IDLE, '/bin/true')],
      {
        stdio: 'ignore',
      },
    );
    // Running before the agent starts: its first sample, at start-up, sees it.
    running = spawn(`/usr/bin/${USED}`, ['120'], { stdio: 'ignore' });
    collector = await startCollector({ dbPath, enrollSecret: SECRET });
    headers = await apiHeaders(dbPath);
    const config = writeAgentConfig(join(dir.path, 'agent.json'), {
      server: collector.url,
      enrollSecret: SECRET,
      stateDir: join(dir.path, 'state'),
      schedule: { inventory: '*/3 * * * * *', splaySeconds: 0 },
      metering: { sampleSeconds: 10 },
    });
    agent = new AgentProcess(config, { STOCKTAKE_LIVE_CHANNEL: 'false' });
    const [first] = await agent.waitFor('snapshot delivered', 1, 120_000);
    deviceId = first?.deviceId as string;
  }, 180_000);

  afterAll(async () => {
    running?.kill();
    await agent?.stop().catch(() => undefined);
    await agent?.kill();
    await collector?.stop();
    spawnSync('dpkg', ['--purge', USED, IDLE], { stdio: 'ignore' });
    dir.remove();
  }, 60_000);

  it('shows the package that ran as used, seen running by the agent, with its sources stated', async () => {
    // The first snapshot goes without usage (the collector has not said it takes it yet); a later one has it.
    await until(
      async () => item(await usage(), USED)?.class === 'used',
      120_000,
      () => `${USED} used (agent log: ${agent?.logs().slice(-2000)})`,
    );
    const view = await usage();
    expect(item(view, USED)).toMatchObject({ lastUsed: day(0), via: 'process', class: 'used' });
    expect(view.sources?.map((s) => s.via)).toEqual(['atime', 'process']);
  }, 150_000);

  it('shows the package never run as unused once classified 91 days on', async () => {
    const now = await usage();
    expect(item(now, IDLE)).toMatchObject({ lastUsed: null, via: null });
    expect(item(await usage(day(91)), IDLE)).toMatchObject({ lastUsed: null, class: 'unused' });
    // The one that ran is unused by then too, unless it runs again.
    expect(item(await usage(day(91)), USED)).toMatchObject({ lastUsed: day(0), class: 'unused' });
  });
});
