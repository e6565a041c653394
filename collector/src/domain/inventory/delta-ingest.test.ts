import { diffSnapshot, type SectionName, type Snapshot } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { type DeltaBase, snapshotFromDelta } from './delta-ingest.ts';
import { nextSectionStates } from './device-changes.ts';
import { ResyncNeeded } from './errors.ts';
import { computeSectionHashes } from './section-hashes.ts';

/** The device as the collector holds it after `base`, and the section data it keeps by hash. */
function held(base: Snapshot, agentId = 'agent-1') {
  const { hashes } = computeSectionHashes(base);
  const device: DeltaBase = {
    agentId,
    lastSnapshotId: base.snapshotId,
    sectionStates: nextSectionStates(base, hashes, {}),
  };
  const data = new Map<string, unknown>();
  for (const [name, hash] of Object.entries(hashes)) data.set(hash, base.sections[name as SectionName].data);
  const reads: string[] = [];
  const dataOf = (name: SectionName, hash: string) => {
    reads.push(name);
    return data.get(hash);
  };
  return { device, dataOf, reads };
}

describe('rebuilding a snapshot from a delta', () => {
  const base = makeSnapshot({ agentId: 'agent-1', software: [dpkgItem('curl', '7.88.1'), dpkgItem('vim', '9.0')] });
  const next = makeSnapshot({ agentId: 'agent-1', software: [dpkgItem('curl', '8.5.0'), dpkgItem('vim', '9.0')] });
  const delta = diffSnapshot(base, next);

  it('applies a patched software list to the stored one, reading only the sections it patches', () => {
    const { device, dataOf, reads } = held(base);
    const { snapshot, hashes } = snapshotFromDelta('agent-1', delta, device, dataOf);
    expect(snapshot.snapshotId).toBe(next.snapshotId);
    expect(snapshot.sections.software.data).toEqual(next.sections.software.data);
    expect(hashes.software).toBe(computeSectionHashes(next).hashes.software);
    expect(reads).toEqual(['software']);
  });

  it('asks for a resync when the collector has no device for the agent, another agent holds it, or the base differs', () => {
    const { device, dataOf } = held(base);
    expect(() => snapshotFromDelta('agent-1', delta, undefined, dataOf)).toThrow(ResyncNeeded);
    expect(() => snapshotFromDelta('agent-1', delta, { ...device, agentId: 'agent-2' }, dataOf)).toThrow(
      'This collector has no device for this agent yet; send a full snapshot.',
    );
    expect(() => snapshotFromDelta('agent-1', delta, { ...device, lastSnapshotId: 'other' }, dataOf)).toThrow(
      `The device's last snapshot here is other, not ${base.snapshotId}; send a full snapshot.`,
    );
  });

  it('refuses a delta that leaves a section without the data its status promises', () => {
    const { device, dataOf } = held(base);
    const broken = { ...delta, sections: { ...delta.sections, os: { ...next.sections.os, change: 'replaced' } } };
    const { data: _data, ...osWithoutData } = broken.sections.os;
    const refused = { ...broken, sections: { ...broken.sections, os: osWithoutData } } as typeof delta;
    const attempt = () => snapshotFromDelta('agent-1', refused, device, dataOf);
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (err) {
      expect((err as ValidationError).problems).toContainEqual({
        field: 'sections/os/data',
        message: 'is required when status is ok',
      });
    }
  });
});
