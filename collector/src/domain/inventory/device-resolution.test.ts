import { makeSnapshot } from '@stocktake/shared/testing';
import { describe, expect, it } from 'vitest';
import { type ReportingAgent, type ResolvableDevice, resolveDevice } from './device-resolution.ts';

interface Stored extends ResolvableDevice {
  id: string;
  serialKey: string | null;
  uuidKey: string | null;
}

const SERIAL = 'CZC1234XYZ';
const UUID = '4c4c4544-0042-3510-8052-b4c04f4d3232';

/** Lookups over a handful of devices and agents, as the store answers them. */
function lookups(
  devices: Stored[],
  agents: Record<string, { lastSeenAt: string | null; revokedAt: string | null }> = {},
) {
  return {
    deviceById: (id: string) => devices.find((d) => d.id === id),
    devicesWithSerial: (serial: string, uuid: string | undefined) =>
      devices.filter((d) => d.serialKey === serial && d.uuidKey === (uuid ?? null)).slice(0, 2),
    agentActivity: (agentId: string) => agents[agentId],
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
  macs: [],
  serialKey: 'CZC1234XYZ',
  uuidKey: UUID,
  ...over,
});

describe('which device a snapshot describes', () => {
  const identity = makeSnapshot({ serial: SERIAL, uuid: UUID }).identity;

  it('is the agent own device while it still follows that agent', () => {
    const own = stored({ agentId: 'new-agent' });
    expect(resolveDevice(agent({ deviceId: 'd1' }), identity, lookups([own]))).toEqual({ device: own });
    expect(resolveDevice(agent({ deviceId: 'd1' }), identity, lookups([stored({ agentId: 'newer-agent' })]))).toEqual(
      {},
    );
  });

  it('is a known machine reinstalled when serial and UUID match and its old agent has gone quiet', () => {
    const known = stored();
    const look = lookups([known], { 'old-agent': { lastSeenAt: '2026-02-01T00:00:00.000Z', revokedAt: null } });
    expect(resolveDevice(agent(), identity, look)).toEqual({ device: known, replacedAgent: 'old-agent' });
  });

  it('is a new device for a clone whose original still reports, for junk serials, and for an ambiguous serial', () => {
    const alive = lookups([stored()], { 'old-agent': { lastSeenAt: '2026-03-02T00:00:00.000Z', revokedAt: null } });
    expect(resolveDevice(agent(), identity, alive)).toEqual({});
    const junk = makeSnapshot({ serial: 'To be filled by O.E.M.', uuid: UUID }).identity;
    expect(resolveDevice(agent(), junk, lookups([stored()]))).toEqual({});
    expect(resolveDevice(agent(), identity, lookups([stored(), stored({ id: 'd2' })]))).toEqual({});
  });

  it('without a UUID on either side, needs a MAC in common', () => {
    const noUuid = makeSnapshot({ serial: SERIAL, macs: ['3c:22:fb:00:00:01'] }).identity;
    const sharing = stored({ uuidKey: null, agentId: null, macs: ['3c:22:fb:00:00:01'] });
    expect(resolveDevice(agent(), noUuid, lookups([sharing]))).toEqual({ device: sharing });
    expect(resolveDevice(agent(), noUuid, lookups([{ ...sharing, macs: ['3c:22:fb:00:00:02'] }]))).toEqual({});
  });
});
