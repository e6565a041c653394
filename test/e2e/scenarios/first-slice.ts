import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { validateSnapshot } from '@stocktake/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHeaders } from '../../support/agent-service.ts';
import { type RunningCollector, runAgent, startCollector, tempDir } from '../../support/processes.ts';

const SECRET = 'e2e-enroll-secret';
const hasDpkg = (() => {
  try {
    execFileSync('dpkg-query', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Packages dpkg reports as present on disk (installed or mid-transition), not removed ones. */
function dpkgInstalled(): string[] {
  const out = execFileSync(
    'dpkg-query',
    ['-W', `-f=\${Package}\t\${Version}\t\${Architecture}\t\${db:Status-Status}\n`],
    {
      encoding: 'utf8',
    },
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([, , , status]) => status !== 'config-files' && status !== 'not-installed')
    .map(([name, version, arch]) => `${name}\t${version}\t${arch}`)
    .sort();
}

/** The store a collector of the scenario runs on: its engine's name and where its database is made. */
export interface ScenarioStore {
  engine: 'sqlite' | 'postgres';
  /** The collector's `--db`: a file in `dir`, or a new database's URL. */
  database(dir: string): Promise<string>;
}

/**
 * The first slice, end to end: the real agent inventories this machine, enrols with a real
 * collector process and pushes; the collector's API serves the device back with its software.
 * One scenario, run on each storage engine.
 */
export function firstSlice(store: ScenarioStore): void {
  describe(`agent and collector, end to end, on ${store.engine}`, () => {
    const dir = tempDir('stocktake-e2e-');
    let collector: RunningCollector;
    let headers: Record<string, string> = {};

    beforeAll(async () => {
      const db = await store.database(dir.path);
      collector = await startCollector({ dbPath: db, enrollSecret: SECRET });
      headers = await apiHeaders(db);
    });
    afterAll(async () => {
      await collector?.stop();
      dir.remove();
    });

    it('inventory prints a snapshot that the shared schema accepts', async () => {
      const run = await runAgent(['inventory', '--state-dir', join(dir.path, 'unused-state')]);
      expect(run.code, run.stderr).toBe(0);
      const snapshot = JSON.parse(run.stdout);
      const result = validateSnapshot(snapshot);
      expect(result.ok ? [] : result.errors).toEqual([]);
      expect(snapshot.sections.os.status).toBe('ok');
      expect(snapshot.sections.hardware.status).toBe('ok');
    });

    it('once enrols, pushes, and the collector serves the device back with its software', async () => {
      const stateDir = join(dir.path, 'state');
      const run = await runAgent([
        'once',
        '--server',
        collector.url,
        '--enroll-secret',
        SECRET,
        '--state-dir',
        stateDir,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^pushed snapshot [0-9a-f-]{36} for device [0-9a-f-]{36} \(enrolled as agent/);
      expect(statSync(join(stateDir, 'credentials.json')).mode & 0o777).toBe(0o600);

      const list = (await (await fetch(`${collector.url}/api/v1/devices`, { headers })).json()) as {
        items: { id: string; osName: string; cpuCores: number; memoryBytes: number; softwareCount: number }[];
      };
      expect(list.items).toHaveLength(1);
      const [summary] = list.items;
      expect(summary?.osName).toBeTruthy();
      expect(summary?.memoryBytes).toBeGreaterThan(0);
      expect(summary?.cpuCores).toBeGreaterThan(0);

      const device = (await (await fetch(`${collector.url}/api/v1/devices/${summary?.id}`, { headers })).json()) as {
        software: { name: string; version: string; arch?: string; source: string }[];
      };
      if (hasDpkg) {
        const fromCollector = device.software
          .filter((s) => s.source === 'dpkg')
          .map((s) => `${s.name}\t${s.version}\t${s.arch}`)
          .sort();
        expect(fromCollector).toEqual(dpkgInstalled());
        expect(summary?.softwareCount).toBe(device.software.length);
      }

      // A second run reuses the stored credentials and lands on the same device.
      const again = await runAgent(['once', '--server', collector.url, '--state-dir', stateDir]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`for device ${summary?.id}`);
      expect(again.stdout).not.toContain('enrolled');
      // Two inventories of this whole machine: on a loaded one each can take many seconds.
    }, 60_000);

    it('says in one line when the enroll secret is wrong', async () => {
      const run = await runAgent([
        'once',
        '--server',
        collector.url,
        '--enroll-secret',
        'nope-nope',
        '--state-dir',
        join(dir.path, 's2'),
      ]);
      expect(run.code).toBe(77);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringContaining('Enroll secret is wrong or revoked (HTTP 403)'),
      ]);
    });
  });
}
