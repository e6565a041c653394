import type { SnapshotDelta } from '@stocktake/shared';
import { diffSnapshot } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { createAgentIngest } from './agent-ingest.ts';
import type { DeviceInventory, IngestOptions, IngestResult } from './ports.ts';

/** An inventory that records what it was asked to store and answers as a first ingest would. */
function recordingInventory() {
  const calls: { kind: 'snapshot' | 'delta'; snapshotId: string; options: IngestOptions | undefined }[] = [];
  const result = (): IngestResult => ({
    deviceId: 'device-1',
    duplicate: false,
    softwareAdded: 1,
    softwareRemoved: 0,
    changes: 0,
  });
  const unused = () => Promise.reject(new Error('not used here'));
  const inventory: DeviceInventory = {
    ingestSnapshot: async (_agent, snapshot, _hashes, options) => {
      calls.push({ kind: 'snapshot', snapshotId: snapshot.snapshotId, options });
      return result();
    },
    ingestDelta: async (_agent, delta: SnapshotDelta, options) => {
      calls.push({ kind: 'delta', snapshotId: delta.snapshotId, options });
      return result();
    },
    device: unused,
    software: unused,
    components: unused,
    recentChanges: unused,
    adopt: unused,
    merge: unused,
    delete: unused,
  };
  return { inventory, calls };
}

const agent = { id: 'agent-1', deviceId: null, enrolledAt: '2026-01-01T00:00:00.000Z' };
const silent = { info: () => {} };

describe('ingesting what an agent pushed', () => {
  it('stores a snapshot, acknowledges it, and passes on only a sensible size', async () => {
    const { inventory, calls } = recordingInventory();
    const ingest = createAgentIngest(inventory);
    const snapshot = makeSnapshot({ agentId: 'agent-1' });
    const logged: string[] = [];
    const ack = await ingest.snapshot(agent, snapshot, { sizeBytes: 1234, log: { info: (_f, m) => logged.push(m) } });
    expect(ack).toEqual({ snapshotId: snapshot.snapshotId, deviceId: 'device-1', duplicate: false });
    await ingest.snapshot(agent, makeSnapshot(), { sizeBytes: Number.NaN, log: silent });
    expect(calls.map((c) => c.options)).toEqual([{ sizeBytes: 1234 }, {}]);
    expect(logged).toEqual(['snapshot ingested']);
  });

  it("refuses another agent's snapshot or delta, and sections whose hash is not their data's, storing nothing", async () => {
    const { inventory, calls } = recordingInventory();
    const ingest = createAgentIngest(inventory);
    const foreign = makeSnapshot({ agentId: 'agent-2' });
    await expect(ingest.snapshot(agent, foreign, { log: silent })).rejects.toMatchObject({
      message: 'Snapshot agent id does not match the token',
      problems: [{ field: 'agent/id', message: 'is not the id of the agent holding this token' }],
    });
    await expect(ingest.delta(agent, diffSnapshot(foreign, foreign), { log: silent })).rejects.toThrow(
      'Delta agent id does not match the token',
    );
    const tampered = makeSnapshot({ agentId: 'agent-1' });
    tampered.sections.os.hash = 'sha256:not-this';
    const refused = ingest.snapshot(agent, tampered, { log: silent });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ message: 'Snapshot sections are inconsistent' });
    expect(calls).toEqual([]);
  });

  it('hands a delta to the inventory in the order it came', async () => {
    const { inventory, calls } = recordingInventory();
    const ingest = createAgentIngest(inventory);
    const base = makeSnapshot({ agentId: 'agent-1' });
    const first = diffSnapshot(base, makeSnapshot({ agentId: 'agent-1' }));
    const second = diffSnapshot(base, makeSnapshot({ agentId: 'agent-1' }));
    await Promise.all([ingest.delta(agent, first, { log: silent }), ingest.delta(agent, second, { log: silent })]);
    expect(calls.map((c) => c.snapshotId)).toEqual([first.snapshotId, second.snapshotId]);
  });
});
