import type { SectionName } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { describe, expect, it } from 'vitest';
import {
  deviceFactChanges,
  isBaseline,
  type KnownDevice,
  nextSectionStates,
  type SectionStates,
  sectionChanged,
} from './device-changes.ts';
import { computeSectionHashes } from './section-hashes.ts';

const known = (over: Partial<KnownDevice> = {}): KnownDevice => ({ hostname: 'ws-0001', primaryUser: null, ...over });

describe('section states after a snapshot', () => {
  it('takes the snapshot statuses and hashes, and keeps the stored hash of a section sent without data', () => {
    const snapshot = makeSnapshot();
    const { hashes } = computeSectionHashes(snapshot);
    const { software: _dropped, ...withoutSoftware } = hashes;
    const previous: SectionStates = { software: { status: 'ok', collectedAt: 'then', hash: 'stored-hash' } };
    const states = nextSectionStates(snapshot, withoutSoftware, previous);
    expect(states.software).toEqual({
      status: 'ok',
      collectedAt: snapshot.sections.software.collectedAt,
      hash: 'stored-hash',
    });
    expect(states.os?.hash).toBe(hashes.os);
    expect(Object.keys(states).sort()).toEqual(['hardware', 'os', 'patches', 'software', 'users']);
  });

  it('says a section changed only when it brings data with another hash', () => {
    const snapshot = makeSnapshot();
    const { hashes } = computeSectionHashes(snapshot);
    const same: SectionStates = nextSectionStates(snapshot, hashes, {});
    const changed = (name: SectionName, previous: SectionStates) => sectionChanged(snapshot, hashes, previous, name);
    expect(changed('os', same)).toBe(false);
    expect(changed('os', {})).toBe(true);
    expect(changed('os', { os: { status: 'ok', collectedAt: 'then', hash: 'other' } })).toBe(true);
    const { data: _data, ...noData } = snapshot.sections.os;
    const unchanged = { ...snapshot, sections: { ...snapshot.sections, os: noData } };
    expect(sectionChanged(unchanged, {}, {}, 'os')).toBe(false);
  });

  it('counts the first data of a section as a baseline', () => {
    expect(isBaseline(undefined, 'software')).toBe(true);
    expect(isBaseline({ software: { status: 'failed', collectedAt: 'then' } }, 'software')).toBe(true);
    expect(isBaseline({ software: { status: 'ok', collectedAt: 'then', hash: 'h' } }, 'software')).toBe(false);
  });
});

describe("changes of a device's facts", () => {
  it('records a new device as first seen, with its serial and agent', () => {
    const snapshot = makeSnapshot({ hostname: 'ws-new', serial: 'CZC1' });
    expect(deviceFactChanges({ previous: undefined, snapshot, agentId: 'agent-1' })).toEqual([
      { kind: 'first_seen', subject: 'ws-new', after: { hostname: 'ws-new', serial: 'CZC1', agentId: 'agent-1' } },
    ]);
  });

  it('names nothing when the facts are the same', () => {
    const snapshot = makeSnapshot({ users: { loggedIn: [], lastLoggedIn: { user: 'alice' } } });
    const previous = known({
      primaryUser: 'alice',
      os: snapshot.sections.os.data ?? null,
      hardware: snapshot.sections.hardware.data ?? null,
    });
    expect(deviceFactChanges({ previous, snapshot, agentId: 'a' })).toEqual([]);
  });

  it('names a replaced agent, a new host name, an OS upgrade, new addresses and another user, in that order', () => {
    const before = makeSnapshot({
      os: { version: '11', kernel: '5.10.0-28-amd64' },
      hardware: { nics: [{ name: 'eth0', mac: '3c:22:fb:00:00:01', ipv4: ['10.0.0.5'] }] },
    });
    const snapshot = makeSnapshot({
      hostname: 'ws-renamed',
      users: { loggedIn: [{ user: 'bob' }] },
      hardware: {
        nics: [
          { name: 'eth0', mac: '3c:22:fb:00:00:01', ipv4: ['10.0.0.9', '169.254.1.1'] },
          { name: 'docker0', mac: '02:42:00:00:00:01', ipv4: ['172.17.0.1'], virtual: true },
        ],
      },
    });
    const previous = known({
      primaryUser: 'alice',
      os: before.sections.os.data ?? null,
      hardware: before.sections.hardware.data ?? null,
    });
    const drafts = deviceFactChanges({ previous, snapshot, agentId: 'new-agent', replacedAgent: 'old-agent' });
    expect(drafts).toEqual([
      { kind: 'agent_replaced', subject: 'agent', before: 'old-agent', after: 'new-agent' },
      { kind: 'hostname_changed', subject: 'hostname', before: 'ws-0001', after: 'ws-renamed' },
      {
        kind: 'os_upgraded',
        subject: 'Debian GNU/Linux',
        before: { name: 'Debian GNU/Linux', version: '11', kernel: '5.10.0-28-amd64' },
        after: { name: 'Debian GNU/Linux', version: '12', kernel: '6.1.0-26-amd64' },
      },
      { kind: 'ip_changed', subject: 'ip', before: ['10.0.0.5'], after: ['10.0.0.9'] },
      { kind: 'user_changed', subject: 'user', before: 'alice', after: 'bob' },
    ]);
  });

  it('compares OS and addresses only against stored data it was given, and never reads nobody as a new user', () => {
    const snapshot = makeSnapshot({ os: { version: '13' }, users: { loggedIn: [] } });
    expect(deviceFactChanges({ previous: known({ primaryUser: 'alice' }), snapshot, agentId: 'a' })).toEqual([]);
  });
});
