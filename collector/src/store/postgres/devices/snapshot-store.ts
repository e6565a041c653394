import { gunzipSync, gzipSync } from 'node:zlib';
import { SECTION_NAMES, type SectionName, type Snapshot } from '@stocktake/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type pg from 'pg';
import type { Executor } from '../connection.ts';
import { devices, snapshotSections, snapshots } from '../schema/index.ts';
import { runStatement } from './statements.ts';

const DATA_COLUMN = {
  hardware: 'hardwareData',
  os: 'osData',
  software: 'softwareData',
  patches: 'patchesData',
  users: 'usersData',
} as const satisfies Record<SectionName, keyof typeof snapshots.$inferSelect>;

type Pointers = Record<(typeof DATA_COLUMN)[SectionName], number | null>;

// Level 3 keeps most of gzip's ratio on JSON at a fraction of level 6's time, on the ingest path.
const GZIP_LEVEL = 3;

const unzipJson = (body: Buffer): unknown => JSON.parse(gunzipSync(body).toString('utf8'));

/** The rows already holding these sections' data, by section and hash, in one statement. */
async function heldSections(
  client: pg.PoolClient,
  wanted: readonly { section: SectionName; hash: string }[],
): Promise<Map<string, number>> {
  if (wanted.length === 0) return new Map();
  const rows = await runStatement<{ section: string; hash: string; id: number }>(client, 'findSections', [
    wanted.map((w) => w.section),
    wanted.map((w) => w.hash),
  ]);
  return new Map(rows.map((r) => [`${r.section} ${r.hash}`, r.id]));
}

/** The row holding a section's data: one held already (`held`), else written from `data`. */
async function sectionId(
  tx: Executor,
  held: ReadonlyMap<string, number>,
  section: SectionName,
  hash: string,
  data: unknown,
): Promise<number> {
  const found = held.get(`${section} ${hash}`);
  if (found !== undefined) return found;
  // A section a delta says is unchanged comes without its data: it must be held already.
  if (data === undefined) throw new Error(`no stored ${section} data with hash ${hash}`);
  const json = Buffer.from(JSON.stringify(data));
  // Another instance may be storing the same content: the unique (section, hash) keeps one row.
  const [row] = await tx
    .insert(snapshotSections)
    .values({ section, hash, sizeBytes: json.length, body: gzipSync(json, { level: GZIP_LEVEL }) })
    .onConflictDoUpdate({ target: [snapshotSections.section, snapshotSections.hash], set: { hash } })
    .returning({ id: snapshotSections.id });
  if (!row) throw new Error(`the ${section} data ${hash} was not stored`);
  return row.id;
}

/**
 * Stores a snapshot inside the ingest's transaction: its envelope (everything but the sections'
 * data) and a pointer per section to its data, each distinct content stored once.
 */
export async function storeSnapshot(
  tx: Executor,
  client: pg.PoolClient,
  input: {
    snapshot: Snapshot;
    deviceKey: number;
    agentId: string;
    receivedAt: Date;
    hashes: Partial<Record<SectionName, string>>;
    sizeBytes: number;
  },
): Promise<void> {
  const { snapshot, hashes } = input;
  const envelopeSections: Record<string, unknown> = {};
  const pointers: Pointers = {
    hardwareData: null,
    osData: null,
    softwareData: null,
    patchesData: null,
    usersData: null,
  };
  const stored: { section: SectionName; hash: string; data: unknown }[] = [];
  for (const name of SECTION_NAMES) {
    const { data, ...rest } = snapshot.sections[name];
    envelopeSections[name] = rest;
    const hash = hashes[name];
    // A hash without data is a section unchanged since the last snapshot (a delta).
    if (hash && (data !== undefined || rest.status !== 'failed')) stored.push({ section: name, hash, data });
  }
  const held = await heldSections(client, stored);
  for (const { section, hash, data } of stored) {
    pointers[DATA_COLUMN[section]] = await sectionId(tx, held, section, hash, data);
  }
  const envelope = Buffer.from(JSON.stringify({ ...snapshot, sections: envelopeSections }));
  await tx.insert(snapshots).values({
    id: snapshot.snapshotId,
    deviceKey: input.deviceKey,
    agentId: input.agentId,
    collectedAt: new Date(snapshot.collectedAt),
    receivedAt: input.receivedAt,
    sizeBytes: input.sizeBytes,
    envelope: gzipSync(envelope, { level: GZIP_LEVEL }),
    ...pointers,
  });
}

/** The data of these sections as stored under these hashes (what a delta's patches apply to). */
export async function sectionsData(
  tx: Executor,
  wanted: readonly { section: SectionName; hash: string }[],
): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (const { section, hash } of wanted) {
    const [row] = await tx
      .select({ body: snapshotSections.body })
      .from(snapshotSections)
      .where(and(eq(snapshotSections.section, section), eq(snapshotSections.hash, hash)));
    if (row) found.set(`${section}:${hash}`, unzipJson(row.body));
  }
  return found;
}

/** The device and agent a stored snapshot belongs to; undefined when it is not stored. */
export async function storedSnapshot(
  tx: Executor,
  snapshotId: string,
): Promise<{ deviceId: string; agentId: string } | undefined> {
  const [row] = await tx
    .select({ deviceId: devices.id, agentId: snapshots.agentId })
    .from(snapshots)
    .innerJoin(devices, eq(devices.key, snapshots.deviceKey))
    .where(eq(snapshots.id, snapshotId));
  return row;
}

/** A stored snapshot put back together: equal to what was received, up to the order of lists within a section. */
export async function readSnapshot(tx: Executor, snapshotId: string): Promise<Snapshot | undefined> {
  const [row] = await tx.select().from(snapshots).where(eq(snapshots.id, snapshotId));
  if (!row) return undefined;
  const envelope = unzipJson(row.envelope) as Snapshot;
  const ids = SECTION_NAMES.flatMap((name) => row[DATA_COLUMN[name]] ?? []);
  const blobs =
    ids.length === 0
      ? []
      : await tx
          .select({ id: snapshotSections.id, body: snapshotSections.body })
          .from(snapshotSections)
          .where(inArray(snapshotSections.id, ids));
  const byId = new Map(blobs.map((b) => [b.id, b.body]));
  for (const name of SECTION_NAMES) {
    const id = row[DATA_COLUMN[name]];
    if (id === null) continue;
    const body = byId.get(id);
    if (!body) throw new Error(`snapshot ${snapshotId} points at missing ${name} data ${id}`);
    (envelope.sections[name] as { data?: unknown }).data = unzipJson(body);
  }
  return envelope;
}
