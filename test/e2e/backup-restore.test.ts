import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStores, sqliteInside } from '../../collector/src/store/sqlite/stores.ts';
import { dumpDatabase } from '../../collector/src/test-support/dump.ts';
import {
  runCollector as collectorCommand,
  type RunningCollector,
  startCollector,
  tempDir,
} from '../support/processes.ts';

const SECRET = 'backup-e2e-enroll-secret';
const AGENTS = 6;

/** Every row of a database file, read through the engine (and closed again). */
async function contentsOf(path: string) {
  const stores = await openSqliteStores(path);
  try {
    const { sqlite } = sqliteInside(stores);
    const snapshotIds = (sqlite.prepare('SELECT id FROM snapshots').all() as { id: string }[]).map((r) => r.id);
    const danglingReferences = sqlite.pragma('foreign_key_check') as unknown[];
    return { rows: dumpDatabase(sqlite), snapshotIds: new Set(snapshotIds), danglingReferences };
  } finally {
    await stores.close();
  }
}

/**
 * Agents pushing full snapshots over HTTP, each as soon as the last is acknowledged, until
 * stopped: what a collector under ingest sees. Each acknowledged snapshot id is recorded.
 */
function ingestLoad(url: string, agents: { agentId: string; agentToken: string }[]) {
  const acked: string[] = [];
  let running = true;
  const software = Array.from({ length: 400 }, (_, i) => dpkgItem(`pkg-${i}`, `1.${i}`));
  const loops = agents.map(async (agent, n) => {
    for (let round = 0; running; round++) {
      const snapshot = makeSnapshot({
        agentId: agent.agentId,
        hostname: `load-${n}`,
        serial: `LOAD-${n}`,
        // A changing package per round, so each snapshot writes rows.
        software: [...software, dpkgItem(`round-${n}`, `${round}.0`)],
      });
      snapshot.snapshotId = randomUUID();
      const res = await fetch(`${url}/api/v1/agent/snapshots`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent.agentToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(snapshot),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`snapshot refused: ${res.status}`);
      acked.push(snapshot.snapshotId);
    }
  });
  return {
    acked,
    /** Stops the agents and waits for the pushes under way to be answered. */
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function enrol(url: string, n: number): Promise<{ agentId: string; agentToken: string }> {
  const res = await fetch(`${url}/api/v1/agent/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrollSecret: SECRET, hostname: `load-${n}`, agentVersion: '0.1.0', platform: 'linux' }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { agentId: string; agentToken: string };
}

// Real processes: a collector, and the command line started afresh for each command.
describe('backup under load, then restore', { timeout: 600_000 }, () => {
  const dir = tempDir('stocktake-backup-e2e-');
  const dbPath = join(dir.path, 'stocktake.db');
  let collector: RunningCollector | undefined;
  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  it('backs up a consistent copy while agents push, refuses to restore under a running collector, restores it once stopped', async () => {
    collector = await startCollector({
      dbPath,
      enrollSecret: SECRET,
      // The agents push as fast as they can, to back up under load: no per-agent budget.
      extraArgs: ['--agent-rate-limit', '0', '--agent-byte-limit', '0'],
    });
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, n) => enrol(collector?.url ?? '', n)));
    const load = ingestLoad(collector.url, agents);
    while (load.acked.length < 3 * AGENTS) await new Promise((resolve) => setTimeout(resolve, 25));

    const backupFile = join(dir.path, 'stocktake-backup.db');
    const ackedBefore = [...load.acked];
    const backup = await collectorCommand(['backup', backupFile, '--db', dbPath]);
    const ackedWhileBackingUp = load.acked.length - ackedBefore.length;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(
      /^backup written to .*stocktake-backup\.db \(\d+\.\d MiB, schema version \d+, \d+ ms\)\n$/,
    );
    // Ingest went on while the backup ran: the copy was taken under load.
    expect(ackedWhileBackingUp).toBeGreaterThan(0);

    // A backup never overwrites a file.
    const again = await collectorCommand(['backup', backupFile, '--db', dbPath]);
    expect(again.code).toBe(73);
    expect(again.stderr).toContain('already exists');

    // Restoring over the database the collector serves is refused, and names the process.
    const refused = await collectorCommand(['restore', backupFile, '--db', dbPath]);
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain(`pid ${collector.process.pid}`);
    expect(refused.stderr).toContain('Stop the collector first');

    await load.stop();
    await collector.stop();
    const allAcked = new Set(load.acked);

    // The copy is consistent: every snapshot acknowledged before the backup started is in it,
    // nothing in it was left unacknowledged, and no row points at one that is not there.
    const inspected = join(dir.path, 'inspected-copy.db');
    copyFileSync(backupFile, inspected);
    const copy = await contentsOf(inspected);
    for (const id of ackedBefore) expect(copy.snapshotIds.has(id), id).toBe(true);
    for (const id of copy.snapshotIds) expect(allAcked.has(id), id).toBe(true);
    expect(copy.snapshotIds.size).toBeLessThan(allAcked.size);
    expect(copy.danglingReferences).toEqual([]);

    // Restore the backup in place of the live database, which is kept beside it.
    const restored = await collectorCommand(['restore', backupFile, '--db', dbPath]);
    expect(restored.code, restored.stderr).toBe(0);
    const previous = /kept as (\S+)\n/.exec(restored.stdout)?.[1] ?? '';
    expect(existsSync(previous)).toBe(true);
    expect(restored.stdout).toMatch(/restored .* \(schema version \d+\)\n$/);

    // The restored database holds exactly what the backup held, and the one it replaced everything acknowledged.
    expect((await contentsOf(dbPath)).rows).toEqual(copy.rows);
    expect((await contentsOf(previous)).snapshotIds).toEqual(allAcked);

    // And a collector serves it.
    collector = await startCollector({ dbPath, enrollSecret: SECRET });
    const health = await fetch(`${collector.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses a damaged backup and a file that is not a Stocktake database, replacing nothing', async () => {
    const target = join(dir.path, 'untouched.db');
    const damaged = join(dir.path, 'damaged.db');
    writeFileSync(damaged, 'not a database at all, just bytes that are long enough to be read as a header');
    const run = await collectorCommand(['restore', damaged, '--db', target]);
    expect(run.code).toBe(65);
    expect(run.stderr).toMatch(/cannot be (read|opened) as a database/);
    expect(existsSync(target)).toBe(false);

    const missing = await collectorCommand(['restore', join(dir.path, 'nope.db'), '--db', target]);
    expect(missing.code).toBe(65);
    expect(missing.stderr).toContain('does not exist');
  });
});
