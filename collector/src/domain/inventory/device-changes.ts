import { type Hardware, type Os, SECTION_NAMES, type SectionName, type Snapshot } from '@stocktake/shared';
import type { ChangeKind, SectionState } from '@stocktake/shared/api';
import { ipAddresses, osVersion, primaryUser, sameList, sameOsVersion } from './device-facts.ts';

/** One line of a device's change history, before the store gives it an id and a time. */
export interface ChangeDraft {
  kind: ChangeKind;
  subject: string;
  before?: unknown;
  after?: unknown;
  /** Catalogue id of the version that went (removed, upgraded from). */
  softwareBefore?: number;
  /** Catalogue id of the version that came (installed, upgraded to). */
  softwareAfter?: number;
}

/** What the collector holds about one section of a device: how its last collection went, and its data's hash. */
export type { SectionState } from '@stocktake/shared/api';

export type SectionStates = Record<string, SectionState>;

/**
 * The sections' states after a snapshot: its statuses, with the hash of the data it carried, or
 * for a section that came without data, the hash the device had (a delta's unchanged section).
 */
export function nextSectionStates(
  snapshot: Snapshot,
  hashes: Partial<Record<SectionName, string>>,
  previous: SectionStates,
): SectionStates {
  const states: SectionStates = {};
  for (const name of SECTION_NAMES) {
    const s = snapshot.sections[name];
    const hash = hashes[name] ?? previous[name]?.hash;
    states[name] = {
      status: s.status,
      collectedAt: s.collectedAt,
      ...(s.reason ? { reason: s.reason } : {}),
      ...(hash ? { hash } : {}),
    };
  }
  return states;
}

/** The snapshot brings data for the section that differs from what the device had. */
export function sectionChanged(
  snapshot: Snapshot,
  hashes: Partial<Record<SectionName, string>>,
  previous: SectionStates,
  name: SectionName,
): boolean {
  return snapshot.sections[name].data !== undefined && hashes[name] !== previous[name]?.hash;
}

/**
 * History starts where a section is first known: the first data of a section (a new device,
 * or a section that never came before) is a baseline, not a change per package or part.
 */
export function isBaseline(previous: SectionStates | undefined, name: SectionName): boolean {
  return previous?.[name]?.hash === undefined;
}

/** What the collector knew of a device before this snapshot, as far as its facts go. */
export interface KnownDevice {
  hostname: string;
  primaryUser: string | null;
  /** The OS section's data as stored, given only when the snapshot brings a different one. */
  os?: Os | null;
  /** The hardware section's data as stored, given only when the snapshot brings a different one. */
  hardware?: Hardware | null;
}

export interface FactChangesInput {
  /** Undefined: the device is seen for the first time. */
  previous: KnownDevice | undefined;
  snapshot: Snapshot;
  agentId: string;
  /** The agent the device followed until this one took it over (a reinstall). */
  replacedAgent?: string | undefined;
}

/**
 * The changes of a device's facts a snapshot shows: first seen, agent replaced, host name,
 * OS version, addresses and user. Software and components are named by `softwareChanges`
 * and `componentChanges`.
 */
export function deviceFactChanges({ previous, snapshot, agentId, replacedAgent }: FactChangesInput): ChangeDraft[] {
  const identity = snapshot.identity;
  if (!previous) {
    return [
      {
        kind: 'first_seen',
        subject: identity.hostname,
        after: {
          hostname: identity.hostname,
          ...(identity.hardwareSerial ? { serial: identity.hardwareSerial } : {}),
          agentId,
        },
      },
    ];
  }
  const drafts: ChangeDraft[] = [];
  if (replacedAgent) drafts.push({ kind: 'agent_replaced', subject: 'agent', before: replacedAgent, after: agentId });
  if (previous.hostname !== identity.hostname) {
    drafts.push({ kind: 'hostname_changed', subject: 'hostname', before: previous.hostname, after: identity.hostname });
  }
  const os = snapshot.sections.os.data;
  if (os && previous.os) {
    const was = osVersion(previous.os);
    const is = osVersion(os);
    if (!sameOsVersion(was, is))
      drafts.push({ kind: 'os_upgraded', subject: is?.name ?? 'os', before: was, after: is });
  }
  const hw = snapshot.sections.hardware.data;
  if (hw && previous.hardware) {
    const was = ipAddresses(previous.hardware);
    const is = ipAddresses(hw);
    if (!sameList(was, is)) drafts.push({ kind: 'ip_changed', subject: 'ip', before: was, after: is });
  }
  const user = primaryUser(snapshot.sections.users.data);
  if (user && previous.primaryUser && user !== previous.primaryUser) {
    drafts.push({ kind: 'user_changed', subject: 'user', before: previous.primaryUser, after: user });
  }
  return drafts;
}
