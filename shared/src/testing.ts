import { randomUUID } from 'node:crypto';
import { sectionHash } from './canonical.ts';
import type { Hardware } from './hardware.ts';
import type { Os } from './os.ts';
import type { PatchState } from './patches.ts';
import type { Section } from './section.ts';
import { CONTRACT_VERSION, type SectionName, type Snapshot } from './snapshot.ts';
import type { SoftwareItem } from './software.ts';
import type { Users } from './users.ts';

/** Builders for valid snapshots, used by tests and the synthetic fleet of the benchmarks. */

export function okSection<T>(name: SectionName, data: T, at = new Date()): Section<T> {
  return { status: 'ok', collectedAt: at.toISOString(), durationMs: 1, hash: sectionHash(name, data), data };
}

export interface SnapshotSpec {
  agentId?: string;
  hostname?: string;
  serial?: string;
  uuid?: string;
  macs?: string[];
  software?: SoftwareItem[];
  hardware?: Partial<Hardware>;
  os?: Partial<Os>;
  patches?: PatchState;
  users?: Users;
  at?: Date;
}

export function makeSnapshot(spec: SnapshotSpec = {}): Snapshot {
  const at = spec.at ?? new Date();
  const hostname = spec.hostname ?? 'ws-0001';
  const hardware: Hardware = {
    system: {
      vendor: 'Dell Inc.',
      model: 'Latitude 7440',
      chassisType: 'notebook',
      ...(spec.serial ? { serial: spec.serial } : {}),
      ...(spec.uuid ? { uuid: spec.uuid } : {}),
    },
    cpu: { vendor: 'Intel', model: 'Intel Core i7-1365U', cores: 10, threads: 12 },
    memory: { totalBytes: 16 * 1024 ** 3 },
    nics: (spec.macs ?? []).map((mac, i) => ({ name: `eth${i}`, mac })),
    ...spec.hardware,
  };
  const os: Os = {
    family: 'linux',
    name: 'Debian GNU/Linux',
    version: '12',
    kernel: '6.1.0-26-amd64',
    arch: 'x86_64',
    hostname,
    ...spec.os,
  };
  return {
    contractVersion: CONTRACT_VERSION,
    kind: 'full',
    snapshotId: randomUUID(),
    agent: { ...(spec.agentId ? { id: spec.agentId } : {}), version: '0.1.0', platform: 'linux' },
    collectedAt: at.toISOString(),
    identity: {
      hostname,
      macs: [...(spec.macs ?? [])].sort(),
      ...(spec.serial ? { hardwareSerial: spec.serial } : {}),
      ...(spec.uuid ? { hardwareUuid: spec.uuid } : {}),
    },
    sections: {
      hardware: okSection('hardware', hardware, at),
      os: okSection('os', os, at),
      software: okSection('software', spec.software ?? [], at),
      patches: okSection('patches', spec.patches ?? { pendingCount: 0, pendingSecurityCount: 0 }, at),
      users: okSection('users', spec.users ?? { loggedIn: [] }, at),
    },
  };
}

export function dpkgItem(name: string, version: string, arch = 'amd64'): SoftwareItem {
  return { name, version, arch, source: 'dpkg', publisher: 'Debian Developers' };
}

/**
 * A small deterministic pseudo-random generator (mulberry32) in [0, 1): the same sequence for
 * the same seed, so synthetic fleets and test data come out the same on every run.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
