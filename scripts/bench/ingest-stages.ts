/**
 * Where a collector's ingest time goes, without HTTP: builds snapshots of the synthetic fleet,
 * then times JSON parsing, contract validation, hashing and the database ingest of each, in
 * this process (wall and CPU). For profiling (`node --import tsx --cpu-prof ...`) and for
 * trying SQLite settings: `--pragma "cache_size=-262144"` (repeatable), `--page-size 2048`.
 * `--batch N` commits N snapshots per transaction through the collector's write batcher, as
 * N concurrent requests would be.
 *
 *   node_modules/.bin/tsx scripts/bench/ingest-stages.ts [--devices 600] [--round 0] [--batch 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { computeSectionHashes, openCollector, sqliteInside } from '@stocktake/collector';
import { validateSnapshot } from '@stocktake/shared';
import { Fleet } from './fleet/fleet.ts';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '600' },
    round: { type: 'string', default: '0' },
    pragma: { type: 'string', multiple: true, default: [] },
    'page-size': { type: 'string' },
    batch: { type: 'string', default: '1' },
  },
});
const devices = Number(values.devices);
const round = Number(values.round);
const batch = Math.max(1, Number(values.batch));

const dir = mkdtempSync(join(tmpdir(), 'stocktake-ingest-stages-'));
const collector = await openCollector({
  dbPath: join(dir, 'stocktake.db'),
  database: values['page-size'] ? { pageSize: Number(values['page-size']) } : {},
});
const { sqlite, devicesRepository, writeBatcher } = sqliteInside(collector.stores);
for (const p of values.pragma) sqlite.pragma(p);
const { agents } = collector.stores;

const fleet = new Fleet();
const enrolled: { agentId: string; agentToken: string }[] = [];
for (let i = 0; i < devices; i++) {
  enrolled.push(await agents.enrol({ hostname: `h${i}`, version: '0.1.0', platform: 'linux' }));
}
const bodies = enrolled.map((a, i) => JSON.stringify(fleet.snapshot(fleet.at(i, round), { agentId: a.agentId })));
const ms = { parse: 0, validate: 0, hash: 0, ingest: 0, ingestCpu: 0 };
let lastTenth = 0;
let lastTenthCount = 0;
const lastTenthFrom = Math.floor(devices * 0.9);
let queued: Promise<unknown>[] = [];
let batchStarted = { wall: 0, cpu: process.cpuUsage() };
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
  const agent = await agents.findByToken(enrolled[i]?.agentToken ?? '');
  if (!agent) throw new Error(`agent ${i} not stored`);
  queued.push(
    writeBatcher.submit(() =>
      devicesRepository.ingest(agent, valid.value, hashes, new Date(), { sizeBytes: body.length }),
    ),
  );
  if (queued.length < batch && i < bodies.length - 1) continue;
  // The database part alone: from the first submit's turn to the commit of the whole batch.
  batchStarted = { wall: performance.now(), cpu: process.cpuUsage() };
  await Promise.all(queued);
  const used = process.cpuUsage(batchStarted.cpu);
  ms.ingestCpu += (used.user + used.system) / 1000;
  const took = performance.now() - batchStarted.wall;
  ms.ingest += took;
  if (i >= lastTenthFrom) {
    lastTenth += took;
    lastTenthCount += queued.length;
  }
  queued = [];
}
process.stdout.write(
  `${devices} devices, round ${round}, batch ${batch}, mean per snapshot: ${Object.entries(ms)
    .map(([k, v]) => `${k} ${(v / devices).toFixed(2)} ms`)
    .join(', ')}; last tenth: ingest ${(lastTenth / Math.max(1, lastTenthCount)).toFixed(2)} ms\n`,
);
await collector.close();
rmSync(dir, { recursive: true, force: true });
