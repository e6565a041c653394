/**
 * Where a collector's ingest time goes, without HTTP: builds snapshots of the synthetic fleet,
 * then times JSON parsing, contract validation, hashing and the database ingest of each, in
 * this process (wall and CPU). For profiling (`node --import tsx --cpu-prof ...`) and for
 * trying SQLite settings: `--pragma "cache_size=-262144"` (repeatable) runs them first.
 *
 *   node_modules/.bin/tsx scripts/bench/ingest-stages.ts [--devices 600] [--round 0]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateSnapshot } from '@stocktake/shared';
import { buildApp } from '../../collector/src/app.ts';
import { computeSectionHashes } from '../../collector/src/plugins/app/devices/section-hashes.ts';
import { Fleet } from './fleet/fleet.ts';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '600' },
    round: { type: 'string', default: '0' },
    pragma: { type: 'string', multiple: true, default: [] },
  },
});
const devices = Number(values.devices);
const round = Number(values.round);

const dir = mkdtempSync(join(tmpdir(), 'stocktake-ingest-stages-'));
const app = await buildApp({
  dbPath: join(dir, 'stocktake.db'),
  enrollSecret: 'stages-enroll-secret',
  snapshotBodyLimit: 64 * 1024 * 1024,
  bodyLimit: 1024 * 1024,
  pruneIntervalMs: 0,
  logger: false,
});
await app.ready();
for (const p of values.pragma) app.sqlite.pragma(p);

const fleet = new Fleet();
const enrolled = Array.from({ length: devices }, (_, i) =>
  app.agentsRepository.enrol({ hostname: `h${i}`, version: '0.1.0', platform: 'linux' }),
);
const bodies = enrolled.map((a, i) => JSON.stringify(fleet.snapshot(fleet.at(i, round), { agentId: a.agentId })));
const ms = { parse: 0, validate: 0, hash: 0, ingest: 0, ingestCpu: 0 };
for (const [i, body] of bodies.entries()) {
  let t = performance.now();
  const snapshot = JSON.parse(body);
  ms.parse += performance.now() - t;
  t = performance.now();
  const valid = validateSnapshot(snapshot);
  if (!valid.ok) throw new Error(`fleet snapshot ${i} is invalid: ${JSON.stringify(valid.errors.slice(0, 3))}`);
  ms.validate += performance.now() - t;
  t = performance.now();
  const { hashes } = computeSectionHashes(valid.value);
  ms.hash += performance.now() - t;
  const agent = app.agentsRepository.findByToken(enrolled[i]?.agentToken ?? '');
  if (!agent) throw new Error(`agent ${i} not stored`);
  t = performance.now();
  const cpu = process.cpuUsage();
  app.devicesRepository.ingest(agent, valid.value, hashes, new Date(), { sizeBytes: body.length });
  const used = process.cpuUsage(cpu);
  ms.ingestCpu += (used.user + used.system) / 1000;
  ms.ingest += performance.now() - t;
}
process.stdout.write(
  `${devices} devices, round ${round}, mean per snapshot: ${Object.entries(ms)
    .map(([k, v]) => `${k} ${(v / devices).toFixed(2)} ms`)
    .join(', ')}\n`,
);
await app.close();
rmSync(dir, { recursive: true, force: true });
