import type { SoftwareItem, Usage, Users } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../test-support/test-app.ts';

/**
 * A planted estate for reclamation: devices whose use of two licensed products is known to the
 * day, the figures worked out by hand below, through the real API on a real SQLite file; then
 * the findings open and resolve as seats are used again, removed, or people log in.
 */

const DAY = 86_400_000;
const NOW = new Date('2026-12-07T12:00:00.000Z');
let t: TestApp;

const date = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString().slice(0, 10);
const instant = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

const acme: SoftwareItem = { name: 'acme-cad', version: '5.0', arch: 'amd64', publisher: 'Acme', source: 'dpkg' };
const chat: SoftwareItem = {
  name: 'fabrikam-chat',
  version: '2.1',
  arch: 'amd64',
  publisher: 'Fabrikam',
  source: 'dpkg',
};

/** Usage with access times speaking since 2024, and these last uses. */
function usage(entries: [SoftwareItem, string, string?][], since = '2024-01-01'): Usage {
  return {
    sources: [{ via: 'atime', since }],
    entries: entries.map(([item, lastUsed, user]) => ({
      source: 'dpkg',
      name: item.name,
      arch: 'amd64',
      ...(user ? { user } : {}),
      lastUsed,
      via: user ? 'process' : 'atime',
    })),
  };
}

const loggedIn = (user: string): Users => ({ loggedIn: [{ user }], lastLoggedIn: { user, at: instant(-1) } });
const loggedOut = (user: string, daysAgo: number): Users => ({
  loggedIn: [],
  lastLoggedIn: { user, at: instant(-daysAgo) },
});

interface Machine {
  hostname: string;
  serial: string;
  software: SoftwareItem[];
  users: Users;
  usage?: Usage;
}

async function report(agent: { agentId: string; agentToken: string }, m: Machine): Promise<string> {
  const { usage: u, ...spec } = m;
  const snapshot = { ...makeSnapshot({ agentId: agent.agentId, ...spec, at: NOW }), ...(u ? { usage: u } : {}) };
  const res = await t.inject({
    method: 'POST',
    url: '/api/v1/agent/snapshots',
    headers: { authorization: `Bearer ${agent.agentToken}` },
    payload: snapshot,
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().accepts).toEqual(['usage']);
  return res.json().deviceId as string;
}

async function api<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await t.inject({ method, url, ...(payload ? { payload } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json() as T;
}

async function openFindings(type: string) {
  const page = await api<{ items: { type: string; subject: { id: string; subKey: string }; summary: string }[] }>(
    'GET',
    `/api/v1/findings?status=active&type=${type}&limit=100`,
  );
  return page.items.map((f) => `${f.subject.id}${f.subject.subKey ? ` ${f.subject.subKey}` : ''}`).sort();
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
  vi.useRealTimers();
});

describe('reclamation on a planted estate', () => {
  it('counts installs and people by use, names the reclaimable seats and the money at renewal; findings open and resolve', async () => {
    const machines: Record<string, Machine> = {
      d1: {
        hostname: 'ws-01',
        serial: 'S01',
        software: [acme],
        users: loggedIn('alice'),
        usage: usage([[acme, date(-5), 'alice']]),
      },
      d2: {
        hostname: 'ws-02',
        serial: 'S02',
        software: [acme],
        users: loggedOut('bob', 40),
        usage: usage([[acme, date(-45)]]),
      },
      d3: {
        hostname: 'ws-03',
        serial: 'S03',
        software: [acme],
        users: loggedIn('carol'),
        usage: usage([[acme, date(-120)]]),
      },
      d4: { hostname: 'ws-04', serial: 'S04', software: [acme], users: loggedIn('dave'), usage: usage([]) },
      d5: { hostname: 'ws-05', serial: 'S05', software: [acme], users: loggedIn('erin') },
      d6: { hostname: 'ws-06', serial: 'S06', software: [acme], users: loggedIn('frank'), usage: usage([], date(-10)) },
      d7: {
        hostname: 'ws-07',
        serial: 'S07',
        software: [chat],
        users: loggedIn('grace'),
        usage: usage([[chat, date(-100)]]),
      },
      d8: {
        hostname: 'ws-08',
        serial: 'S08',
        software: [chat],
        users: loggedIn('grace'),
        usage: usage([[chat, date(-3)]]),
      },
      d9: { hostname: 'ws-09', serial: 'S09', software: [chat], users: loggedIn('heidi'), usage: usage([]) },
    };
    const agents = new Map<string, { agentId: string; agentToken: string }>();
    const ids = new Map<string, string>();
    for (const [key, m] of Object.entries(machines)) {
      const agent = await enrolAgent(t.app);
      agents.set(key, agent);
      ids.set(key, await report(agent, m));
    }
    const id = (key: string) => ids.get(key) as string;

    // Acme CAD per device: 6 seats at 100 renewing in 60 days, 4 at 150 renewing in 200.
    const acmeA = await api<{ id: string }>('POST', '/api/v1/licenses', {
      product: 'Acme CAD',
      namePattern: 'acme-cad',
      orderNumber: 'PO-1',
      seats: 6,
      costPerSeat: 100,
      termEnd: date(60),
    });
    await api('POST', '/api/v1/licenses', {
      product: 'Acme CAD',
      namePattern: 'acme-cad',
      orderNumber: 'PO-2',
      seats: 4,
      costPerSeat: 150,
      termEnd: date(200),
    });
    // Fabrikam Chat per user: 3 seats at 50, renewing in 30 days.
    const chatLicense = await api<{ id: string }>('POST', '/api/v1/licenses', {
      product: 'Fabrikam Chat',
      namePattern: 'fabrikam-chat',
      metric: 'per_user',
      seats: 3,
      costPerSeat: 50,
      termEnd: date(30),
    });

    // By hand. Acme: d1 used (5 days), d2 rarely used (45), d3 unused (120), d4 unused (no use while
    // its access times spoke since 2024), d5 unknown (no usage source), d6 unknown (its source is
    // 10 days old). Reclaimable: d3 and d4. Seats 10, cost per seat (6×100 + 4×150) / 10 = 120.
    // The next renewal drops at most its 6 seats, at 100: 2 × 100 = 200.
    // People who used it: alice (by name), and d2's bob (a use without a name counts for the device's user).
    expect(await api('GET', `/api/v1/licenses/${acmeA.id}/reclamation`)).toEqual({
      product: 'Acme CAD',
      metric: 'per_device',
      seats: 10,
      installs: 6,
      usedInstalls: 2,
      unusedInstalls: 2,
      unknownInstalls: 2,
      users: 6,
      usersWhoUsed: 2,
      reclaimable: 2,
      reclaimableSeats: [
        { deviceId: id('d3'), hostname: 'ws-03', user: 'carol', lastUsed: date(-120), class: 'unused' },
        { deviceId: id('d4'), hostname: 'ws-04', user: 'dave', lastUsed: null, class: 'unused' },
      ],
      costPerSeat: 120,
      nextRenewal: date(60),
      renewingSeats: 6,
      savingAtRenewal: 200,
    });
    // Fabrikam per user: grace has an unused install (d7) and a used one (d8): she keeps her seat;
    // heidi used hers never in the time her device could tell: 1 reclaimable, 50 at renewal.
    expect(await api('GET', `/api/v1/licenses/${chatLicense.id}/reclamation`)).toMatchObject({
      metric: 'per_user',
      seats: 3,
      installs: 3,
      usedInstalls: 1,
      unusedInstalls: 2,
      users: 2,
      usersWhoUsed: 1,
      reclaimable: 1,
      reclaimableSeats: [{ deviceId: id('d9'), user: 'heidi', class: 'unused' }],
      costPerSeat: 50,
      savingAtRenewal: 50,
    });

    // Who-has shows each install's last use and class.
    const whoHas = await api<{ items: { hostname: string; software: { lastUsed: string | null; usage: string }[] }[] }>(
      'GET',
      '/api/v1/software/who-has?name=acme-cad&limit=100',
    );
    expect(
      Object.fromEntries(whoHas.items.map((i) => [i.hostname, i.software.map((s) => [s.usage, s.lastUsed])])),
    ).toEqual({
      'ws-01': [['used', date(-5)]],
      'ws-02': [['rarely_used', date(-45)]],
      'ws-03': [['unused', date(-120)]],
      'ws-04': [['unused', null]],
      'ws-05': [['unknown', null]],
      'ws-06': [['unknown', null]],
    });

    // The device page: last use per application, and as of a later day the classes move on.
    const d2 = await api<{ items: { name: string; class: string; lastUsed: string }[] }>(
      'GET',
      `/api/v1/devices/${id('d2')}/usage`,
    );
    expect(d2.items).toEqual([
      expect.objectContaining({ name: 'acme-cad', lastUsed: date(-45), class: 'rarely_used' }),
    ]);
    const later = await api<{ items: { class: string }[] }>(
      'GET',
      `/api/v1/devices/${id('d2')}/usage?asOf=${date(50)}`,
    );
    expect(later.items[0]?.class).toBe('unused');
    expect((await t.inject({ url: `/api/v1/devices/${id('d2')}/usage?asOf=soon` })).statusCode).toBe(400);

    // Deployed assets on d1 (someone logged in) and d2 (bob left 40 days ago): d2 is idle.
    const assetOf = new Map<string, string>();
    for (const key of ['d1', 'd2']) {
      const a = await api<{ id: string }>('POST', '/api/v1/assets', {
        assetTag: `LT-${key}`,
        serial: machines[key]?.serial,
        status: 'deployed',
      });
      assetOf.set(key, a.id);
    }

    await api('POST', '/api/v1/reconciliations');
    expect(await openFindings('reclaimable_seats')).toEqual(['Acme CAD per_device', 'Fabrikam Chat per_user']);
    expect(await openFindings('idle_device')).toEqual([assetOf.get('d2')]);

    // d3 is used again, d4 removes Acme, heidi opens Fabrikam, someone logs in on d2.
    const again = (key: string, change: Partial<Machine>) =>
      report(agents.get(key) as { agentId: string; agentToken: string }, { ...(machines[key] as Machine), ...change });
    await again('d3', { usage: usage([[acme, date(0)]]) });
    await again('d4', { software: [], usage: usage([]) });
    await again('d9', { usage: usage([[chat, date(0), 'heidi']]) });
    await again('d2', { users: loggedIn('ivan') });
    const run = await api<{ counts: { byType: Record<string, { resolved: number; open: number }> } }>(
      'POST',
      '/api/v1/reconciliations',
    );
    expect(run.counts.byType.reclaimable_seats).toMatchObject({ resolved: 2, open: 0 });
    expect(run.counts.byType.idle_device).toMatchObject({ resolved: 1, open: 0 });
  });
});
