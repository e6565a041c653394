import type { Hardware, SoftwareItem, Users } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../../../../test-support/test-app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const GiB = 1024 ** 3;
const dimm = (slot: string, serial: string) => ({
  slot,
  serial,
  sizeBytes: 8 * GiB,
  type: 'DDR4',
  manufacturer: 'Samsung',
});

function hardware(modules: ReturnType<typeof dimm>[], ip: string): Partial<Hardware> {
  return {
    memory: { totalBytes: modules.length * 8 * GiB, modules },
    disks: [{ name: 'nvme0n1', serial: 'S4EVNX0R123456', model: 'Samsung SSD 980', sizeBytes: 500 * 10 ** 9 }],
    nics: [
      { name: 'eth0', mac: '3c:22:fb:7a:19:c4', ipv4: [ip], ipv6: ['fe80::1'] },
      // Container bridges come and go; they are neither hardware nor the device's address.
      { name: 'docker0', mac: '02:42:ac:11:00:01', ipv4: ['172.17.0.1'], virtual: true },
    ],
  };
}

const users = (user: string): Users => ({ loggedIn: [{ user, terminal: 'tty2' }], lastLoggedIn: { user } });

async function push(token: string, snapshot: object) {
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${token}` },
    payload: snapshot,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { deviceId: string };
}

describe('GET /api/v1/devices/:id/changes', () => {
  it('records installs, removals, upgrades, a pulled memory module, an OS upgrade and new address, name and user exactly', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const macs = ['3c:22:fb:7a:19:c4'];
    const base: SoftwareItem[] = [
      dpkgItem('bash', '5.2.15-2+b7'),
      dpkgItem('curl', '7.88.1-10+deb12u7'),
      dpkgItem('vim', '2:9.0.1378-2'),
      dpkgItem('libc6', '2.36-9+deb12u7'),
      dpkgItem('libc6', '2.36-9+deb12u7', 'i386'),
    ];
    const t0 = new Date('2026-11-01T08:00:00.000Z');
    const t1 = new Date('2026-11-02T08:00:00.000Z');
    const t2 = new Date('2026-11-03T08:00:00.000Z');
    const t3 = new Date('2026-11-04T08:00:00.000Z');
    const first = await push(
      agentToken,
      makeSnapshot({
        agentId,
        macs,
        at: t0,
        software: base,
        hardware: hardware([dimm('DIMM 0', 'AAAA0001'), dimm('DIMM 1', 'BBBB0002')], '10.0.0.5'),
        users: users('alice'),
      }),
    );
    const deviceId = first.deviceId;

    // Day 2: git installed, vim removed, curl and the i386 libc6 upgraded, DIMM 1 pulled.
    const day2 = [
      dpkgItem('bash', '5.2.15-2+b7'),
      dpkgItem('curl', '7.88.1-10+deb12u8'),
      dpkgItem('git', '1:2.39.5-0+deb12u1'),
      dpkgItem('libc6', '2.36-9+deb12u7'),
      dpkgItem('libc6', '2.36-9+deb12u9', 'i386'),
    ];
    await push(
      agentToken,
      makeSnapshot({
        agentId,
        macs,
        at: t1,
        software: day2,
        hardware: hardware([dimm('DIMM 0', 'AAAA0001')], '10.0.0.5'),
        users: users('alice'),
      }),
    );
    // Day 3: OS upgrade, new address, renamed, handed to bob.
    const day3 = makeSnapshot({
      agentId,
      macs,
      at: t2,
      hostname: 'ws-0042',
      software: day2,
      hardware: hardware([dimm('DIMM 0', 'AAAA0001')], '10.0.7.9'),
      os: { version: '13', kernel: '6.12.9-amd64' },
      users: users('bob'),
    });
    await push(agentToken, day3);
    // Day 4: nothing changed.
    await push(
      agentToken,
      makeSnapshot({
        agentId,
        macs,
        at: t3,
        hostname: 'ws-0042',
        software: day2,
        hardware: hardware([dimm('DIMM 0', 'AAAA0001')], '10.0.7.9'),
        os: { version: '13', kernel: '6.12.9-amd64' },
        users: users('bob'),
      }),
    );

    const res = await t.inject({ url: `/api/v1/devices/${deviceId}/changes` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Record<string, unknown>[]; nextCursor: string | null };
    const history = body.items.map(({ kind, subject, before, after, observedAt }) => ({
      kind,
      subject,
      before,
      after,
      observedAt,
    }));
    const deb = (name: string, version: string, arch = 'amd64') => ({ source: 'dpkg', name, arch, version });
    expect(history).toEqual([
      { kind: 'user_changed', subject: 'user', before: 'alice', after: 'bob', observedAt: t2.toISOString() },
      { kind: 'ip_changed', subject: 'ip', before: ['10.0.0.5'], after: ['10.0.7.9'], observedAt: t2.toISOString() },
      {
        kind: 'os_upgraded',
        subject: 'Debian GNU/Linux',
        before: { name: 'Debian GNU/Linux', version: '12', kernel: '6.1.0-26-amd64' },
        after: { name: 'Debian GNU/Linux', version: '13', kernel: '6.12.9-amd64' },
        observedAt: t2.toISOString(),
      },
      {
        kind: 'hostname_changed',
        subject: 'hostname',
        before: 'ws-0001',
        after: 'ws-0042',
        observedAt: t2.toISOString(),
      },
      {
        kind: 'hardware_removed',
        subject: 'memory DIMM 1',
        before: {
          kind: 'memory',
          key: 'serial:BBBB0002',
          label: 'DIMM 1',
          serial: 'BBBB0002',
          vendor: 'Samsung',
          sizeBytes: 8 * GiB,
        },
        after: null,
        observedAt: t1.toISOString(),
      },
      {
        kind: 'software_upgraded',
        subject: 'libc6',
        before: deb('libc6', '2.36-9+deb12u7', 'i386'),
        after: deb('libc6', '2.36-9+deb12u9', 'i386'),
        observedAt: t1.toISOString(),
      },
      {
        kind: 'software_upgraded',
        subject: 'curl',
        before: deb('curl', '7.88.1-10+deb12u7'),
        after: deb('curl', '7.88.1-10+deb12u8'),
        observedAt: t1.toISOString(),
      },
      {
        kind: 'software_removed',
        subject: 'vim',
        before: deb('vim', '2:9.0.1378-2'),
        after: null,
        observedAt: t1.toISOString(),
      },
      {
        kind: 'software_installed',
        subject: 'git',
        before: null,
        after: deb('git', '1:2.39.5-0+deb12u1'),
        observedAt: t1.toISOString(),
      },
      {
        kind: 'first_seen',
        subject: 'ws-0001',
        before: null,
        after: { hostname: 'ws-0001', agentId },
        observedAt: t0.toISOString(),
      },
    ]);
    expect(body.nextCursor).toBeNull();

    const device = (await t.inject({ url: `/api/v1/devices/${deviceId}` })).json();
    expect(device.components.map((c: { kind: string; key: string }) => `${c.kind} ${c.key}`)).toEqual([
      'disk serial:S4EVNX0R123456',
      'memory serial:AAAA0001',
      'nic serial:3c:22:fb:7a:19:c4',
    ]);
    expect(device.primaryUser).toBe('bob');
  });

  it('pages newest first, filters by kind, and refuses unknown devices and forged cursors', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const { deviceId } = await push(agentToken, makeSnapshot({ agentId, software: [] }));
    const many = Array.from({ length: 5 }, (_, i) => dpkgItem(`pkg-${i}`, '1.0'));
    await push(agentToken, makeSnapshot({ agentId, software: many }));
    const page1 = (await t.inject({ url: `/api/v1/devices/${deviceId}/changes?limit=4` })).json();
    expect(page1.items.map((c: { subject: string }) => c.subject)).toEqual(['pkg-4', 'pkg-3', 'pkg-2', 'pkg-1']);
    const page2 = (
      await t.inject({ url: `/api/v1/devices/${deviceId}/changes?limit=4&cursor=${page1.nextCursor}` })
    ).json();
    expect(page2.items.map((c: { kind: string }) => c.kind)).toEqual(['software_installed', 'first_seen']);
    expect(page2.nextCursor).toBeNull();
    const firstSeen = (await t.inject({ url: `/api/v1/devices/${deviceId}/changes?kind=first_seen` })).json();
    expect(firstSeen.items).toHaveLength(1);
    expect((await t.inject({ url: '/api/v1/devices/nope/changes' })).statusCode).toBe(404);
    expect((await t.inject({ url: `/api/v1/devices/${deviceId}/changes?cursor=xyz` })).statusCode).toBe(400);
  });

  it('counts a baseline software list as no change when the first snapshot had none', async () => {
    const { agentId, agentToken } = await enrolAgent(t.app);
    const failed = makeSnapshot({ agentId });
    failed.sections.software = {
      status: 'failed',
      collectedAt: failed.collectedAt,
      durationMs: 1,
      reason: 'dpkg: timed out',
    };
    const { deviceId } = await push(agentToken, failed);
    await push(agentToken, makeSnapshot({ agentId, software: [dpkgItem('bash', '5.2')] }));
    const changes = (await t.inject({ url: `/api/v1/devices/${deviceId}/changes` })).json();
    expect(changes.items.map((c: { kind: string }) => c.kind)).toEqual(['first_seen']);
  });
});
