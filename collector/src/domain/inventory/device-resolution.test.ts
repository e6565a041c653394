import { makeSnapshot } from '@stocktake/shared/testing';
import { describe, expect, it } from 'vitest';
import {
  type ReportingAgent,
  type ResolutionLookups,
  type ResolvableDevice,
  resolveDevice,
} from './device-resolution.ts';

interface Stored extends ResolvableDevice {
  id: string;
  serialKey: string | null;
  uuidKey: string | null;
  hostname?: string;
}

const SERIAL = 'CZC1234XYZ';
const UUID = '4c4c4544-0042-3510-8052-b4c04f4d3232';
const NOW = new Date('2026-03-03T00:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const ctx = { now: NOW, handover: { silenceMs: 10 * HOUR, minReports: 3 } };
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR).toISOString();

/** What the store knows besides the devices: agents' activity, open claims, reports, blocks. */
interface World {
  agents?: Record<string, { lastSeenAt: string | null; revokedAt: string | null }>;
  claims?: Record<string, string>;
  reports?: Record<string, { since: string; count: number }>;
  blocked?: string[];
}

/** Lookups over a handful of devices and agents, as the store answers them. */
function lookups(devices: Stored[], world: World = {}): ResolutionLookups<Stored> {
  return {
    deviceById: (id: string) => devices.find((d) => d.id === id),
    devicesWithSerial: (serial: string, uuid: string | undefined) =>
      devices.filter((d) => d.serialKey === serial && d.uuidKey === (uuid ?? null)),
    agentActivity: (agentId: string) => world.agents?.[agentId],
    claimOf: (agentId: string) => {
      const deviceId = world.claims?.[agentId];
      return deviceId ? { deviceId, kind: 'claimed_identity' as const } : null;
    },
    reportsOn: (deviceId: string) => world.reports?.[deviceId] ?? { since: NOW.toISOString(), count: 0 },
    deviceBlocked: (deviceId: string) => (world.blocked ?? []).includes(deviceId),
    serialBlocked: (serial: string) => (world.blocked ?? []).includes(serial),
    peerDevicesNamed: (name: string) =>
      devices.filter((d) => d.agentKind !== 'stocktake' && (d.hostname ?? 'ws-0001') === name),
  };
}

const agent = (over: Partial<ReportingAgent> = {}): ReportingAgent => ({
  id: 'new-agent',
  deviceId: null,
  enrolledAt: '2026-03-01T00:00:00.000Z',
  ...over,
});
const stored = (over: Partial<Stored> = {}): Stored => ({
  id: 'd1',
  agentId: 'old-agent',
  agentKind: 'stocktake',
  macs: [],
  serialKey: 'CZC1234XYZ',
  uuidKey: UUID,
  ...over,
});

describe('which device a snapshot describes', () => {
  const identity = makeSnapshot({ serial: SERIAL, uuid: UUID }).identity;

  it('is the agent own device while it still follows that agent', () => {
    const own = stored({ agentId: 'new-agent' });
    expect(resolveDevice(agent({ deviceId: 'd1' }), identity, lookups([own]), ctx)).toEqual({ device: own });
    // Split off as before, and now with a claim on the device it lost.
    expect(
      resolveDevice(agent({ deviceId: 'd1' }), identity, lookups([stored({ agentId: 'newer-agent' })]), ctx),
    ).toEqual({ claims: 'd1', claimKind: 'claimed_identity' });
  });

  // Until now a quiet old agent was enough for a new one to take its device: any machine
  // between two reports. Now the new agent waits on a device of its own, with a claim.
  it('is a device of its own, with a claim, for a new agent reporting a device another live agent follows', () => {
    const known = stored();
    const look = lookups([known], {
      agents: { 'old-agent': { lastSeenAt: '2026-02-01T00:00:00.000Z', revokedAt: null } },
    });
    expect(resolveDevice(agent(), identity, look, ctx)).toEqual({ claims: 'd1', claimKind: 'claimed_identity' });
  });

  it('is the known machine reinstalled when its old agent was revoked, or nobody follows it', () => {
    const known = stored();
    const revoked = { 'old-agent': { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(1) } };
    expect(resolveDevice(agent(), identity, lookups([known], { agents: revoked }), ctx)).toEqual({
      device: known,
      replacedAgent: 'old-agent',
    });
    const orphan = stored({ agentId: null });
    expect(resolveDevice(agent(), identity, lookups([orphan]), ctx)).toEqual({ device: orphan });
  });

  it('is refused for a blocked device or serial', () => {
    const revoked = { 'old-agent': { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(1) } };
    expect(resolveDevice(agent(), identity, lookups([stored()], { agents: revoked, blocked: ['d1'] }), ctx)).toEqual({
      blocked: 'device',
    });
    expect(resolveDevice(agent(), identity, lookups([], { blocked: [SERIAL] }), ctx)).toEqual({ blocked: 'serial' });
  });

  it('is a new device for a clone whose original still reports, for junk serials, and for an ambiguous serial', () => {
    const alive = lookups([stored()], {
      agents: { 'old-agent': { lastSeenAt: '2026-03-02T00:00:00.000Z', revokedAt: null } },
    });
    expect(resolveDevice(agent(), identity, alive, ctx).device).toBeUndefined();
    const junk = makeSnapshot({ serial: 'To be filled by O.E.M.', uuid: UUID }).identity;
    expect(resolveDevice(agent(), junk, lookups([stored()]), ctx)).toEqual({});
    expect(resolveDevice(agent(), identity, lookups([stored(), stored({ id: 'd2' })]), ctx)).toEqual({});
  });

  it('is a device of its own with a cloned_machine conflict for the serial and UUID on other NICs', () => {
    const original = stored({ macs: ['3c:22:fb:00:00:01'] });
    const clone = makeSnapshot({ serial: SERIAL, uuid: UUID, macs: ['00:50:56:00:00:02'] }).identity;
    const revoked = { 'old-agent': { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(1) } };
    expect(resolveDevice(agent(), clone, lookups([original], { agents: revoked }), ctx)).toEqual({
      claims: 'd1',
      claimKind: 'cloned_machine',
    });
  });

  it('tells a machine from its clones by their NICs: a further clone claims the oldest, a reinstall continues its own', () => {
    const original = stored({ macs: ['3c:22:fb:00:00:01'] });
    const firstClone = stored({ id: 'd2', agentId: 'clone-agent', macs: ['00:50:56:00:00:02'] });
    const devices = [original, firstClone];
    const live = { lastSeenAt: hoursAgo(1), revokedAt: null };
    const agents = { 'old-agent': live, 'clone-agent': live };
    const secondClone = makeSnapshot({ serial: SERIAL, uuid: UUID, macs: ['00:50:56:00:00:03'] }).identity;
    expect(resolveDevice(agent(), secondClone, lookups(devices, { agents }), ctx)).toEqual({
      claims: 'd1',
      claimKind: 'cloned_machine',
    });
    const reinstalled = makeSnapshot({ serial: SERIAL, uuid: UUID, macs: ['3c:22:fb:00:00:01'] }).identity;
    const revoked = { ...agents, 'old-agent': { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(1) } };
    expect(resolveDevice(agent(), reinstalled, lookups(devices, { agents: revoked }), ctx)).toEqual({
      device: original,
      replacedAgent: 'old-agent',
    });
    // Without MACs on the snapshot nothing tells them apart.
    const bare = makeSnapshot({ serial: SERIAL, uuid: UUID, macs: [] }).identity;
    expect(resolveDevice(agent(), bare, lookups(devices, { agents }), ctx)).toEqual({});
  });

  it('without a UUID on either side, needs a MAC in common', () => {
    const noUuid = makeSnapshot({ serial: SERIAL, macs: ['3c:22:fb:00:00:01'] }).identity;
    const sharing = stored({ uuidKey: null, agentId: null, macs: ['3c:22:fb:00:00:01'] });
    expect(resolveDevice(agent(), noUuid, lookups([sharing]), ctx)).toEqual({ device: sharing });
    expect(resolveDevice(agent(), noUuid, lookups([{ ...sharing, macs: ['3c:22:fb:00:00:02'] }]), ctx)).toEqual({});
  });
});

describe('an open claim', () => {
  const identity = makeSnapshot({ serial: SERIAL, uuid: UUID }).identity;
  const claimed = stored();
  const own = stored({ id: 'd2', agentId: 'new-agent' });
  const claimant = agent({ deviceId: 'd2' });
  const world = (oldSeenHoursAgo: number, reports: number, over: World = {}): World => ({
    agents: { 'old-agent': { lastSeenAt: hoursAgo(oldSeenHoursAgo), revokedAt: null } },
    claims: { 'new-agent': 'd1' },
    reports: { d2: { since: hoursAgo(9), count: reports } },
    ...over,
  });

  it('moves the device when the old agent is silent past the window and the new one reported enough', () => {
    expect(resolveDevice(claimant, identity, lookups([claimed, own], world(11, 2)), ctx)).toEqual({
      device: claimed,
      mergedFrom: own,
      claims: null,
      replacedAgent: 'old-agent',
    });
  });

  it('stays open while the old agent is within its window, or the new one reported too little', () => {
    expect(resolveDevice(claimant, identity, lookups([claimed, own], world(9.5, 5)), ctx)).toEqual({ device: own });
    expect(resolveDevice(claimant, identity, lookups([claimed, own], world(11, 1)), ctx)).toEqual({ device: own });
  });

  it('stays open when the old agent reported after the new one started (both alive), or the device is blocked', () => {
    const overlap = world(11, 5, { reports: { d2: { since: hoursAgo(20), count: 5 } } });
    expect(resolveDevice(claimant, identity, lookups([claimed, own], overlap), ctx)).toEqual({ device: own });
    const blocked = world(30, 5, { blocked: ['d1'] });
    expect(resolveDevice(claimant, identity, lookups([claimed, own], blocked), ctx)).toEqual({ device: own });
  });

  it('moves the device at once when the old agent is revoked, and is void when the claimed device is gone', () => {
    const revoked = world(1, 1, { agents: { 'old-agent': { lastSeenAt: hoursAgo(1), revokedAt: hoursAgo(0.5) } } });
    expect(resolveDevice(claimant, identity, lookups([claimed, own], revoked), ctx).device).toBe(claimed);
    expect(resolveDevice(claimant, identity, lookups([own], world(1, 1)), ctx)).toEqual({ device: own, claims: null });
  });
});

describe("a machine moving from another tool's agent to a Stocktake agent", () => {
  const live = { agents: { 'ocs-agent': { lastSeenAt: hoursAgo(1), revokedAt: null } } };

  it('is the device the other agent follows, taken over at once, when the serial says so', () => {
    const peerDevice = stored({ agentId: 'ocs-agent', agentKind: 'ocs' });
    const identity = makeSnapshot({ serial: SERIAL, uuid: UUID }).identity;
    expect(resolveDevice(agent(), identity, lookups([peerDevice], live), ctx)).toEqual({
      device: peerDevice,
      replacedAgent: 'ocs-agent',
    });
    // Never the other way round: another tool's agent does not take a Stocktake agent's device.
    const ours = stored({ agentId: 'old-agent' });
    const world = { agents: { 'old-agent': { lastSeenAt: hoursAgo(1), revokedAt: null } } };
    expect(resolveDevice(agent(), identity, lookups([ours], world), { ...ctx, agentKind: 'ocs' })).toEqual({
      claims: 'd1',
      claimKind: 'claimed_identity',
    });
  });

  it("without a serial, is the one device another tool's agent follows under the same host name", () => {
    const identity = makeSnapshot({ hostname: 'ws-0001' }).identity;
    const { hardwareSerial: _s, hardwareUuid: _u, ...noFirmware } = identity;
    const peerDevice = stored({ agentId: 'ocs-agent', agentKind: 'ocs', serialKey: null, uuidKey: null });
    expect(resolveDevice(agent(), noFirmware, lookups([peerDevice], live), ctx)).toEqual({
      device: peerDevice,
      replacedAgent: 'ocs-agent',
    });
    // Two such devices under one name: nothing tells which, so a device of its own.
    const twin = { ...peerDevice, id: 'd2', agentId: 'fi-agent' };
    expect(resolveDevice(agent(), noFirmware, lookups([peerDevice, twin], live), ctx)).toEqual({});
    // One whose firmware has a serial is another machine; so is one with other network hardware.
    const serialed = stored({ agentId: 'ocs-agent', agentKind: 'ocs' });
    expect(resolveDevice(agent(), noFirmware, lookups([serialed], live), ctx)).toEqual({});
    const otherNics = { ...peerDevice, macs: ['00:11:22:33:44:55'] };
    expect(
      resolveDevice(agent(), { ...noFirmware, macs: ['00:11:22:33:44:66'] }, lookups([otherNics], live), ctx),
    ).toEqual({});
    // A Stocktake agent's device under the same name is not matched by name alone.
    const ours = stored({ serialKey: null, uuidKey: null });
    expect(resolveDevice(agent(), noFirmware, lookups([ours], live), ctx)).toEqual({});
    // Another tool's agent never moves a device by name.
    expect(
      resolveDevice(agent(), noFirmware, lookups([peerDevice], live), { ...ctx, agentKind: 'fusioninventory' }),
    ).toEqual({});
  });

  it('refuses when an admin blocked the device', () => {
    const identity = makeSnapshot({ hostname: 'ws-0001' }).identity;
    const { hardwareSerial: _s, hardwareUuid: _u, ...noFirmware } = identity;
    const peerDevice = stored({ agentId: 'ocs-agent', agentKind: 'ocs', serialKey: null, uuidKey: null });
    expect(resolveDevice(agent(), noFirmware, lookups([peerDevice], { ...live, blocked: ['d1'] }), ctx)).toEqual({
      blocked: 'device',
    });
  });
});
