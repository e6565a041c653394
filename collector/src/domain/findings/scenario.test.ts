import { compareSoftware, type SoftwareItem } from '@stocktake/shared';
import { makeSnapshot, type SnapshotSpec } from '@stocktake/shared/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, enrolAgent, type TestApp } from '../../test-support/test-app.ts';

/**
 * A planted estate: a register and a fleet built through the real API with a
 * known truth, and reconciliation must report exactly that truth — no finding more, none less.
 */

const DAY = 86_400_000;
let NOW: Date;
let t: TestApp;

const at = (days: number) => new Date(NOW.getTime() + days * DAY);
const date = (days: number) => at(days).toISOString().slice(0, 10);

/** Runs `fn` with the clock at `when` (Date only: timers and I/O are untouched). */
async function atTime<T>(when: Date, fn: () => Promise<T>): Promise<T> {
  vi.setSystemTime(when);
  try {
    return await fn();
  } finally {
    vi.setSystemTime(NOW);
  }
}

interface Agent {
  agentId: string;
  agentToken: string;
}

async function report(agent: Agent, spec: SnapshotSpec, when = NOW): Promise<string> {
  return atTime(when, async () => {
    const software = [...(spec.software ?? [])].sort(compareSoftware);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/agent/snapshots',
      headers: { authorization: `Bearer ${agent.agentToken}` },
      payload: makeSnapshot({ agentId: agent.agentId, ...spec, software, at: when }),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().deviceId as string;
  });
}

async function api<T = Record<string, unknown>>(method: 'POST' | 'PATCH' | 'PUT', url: string, payload: object) {
  const res = await t.inject({ method, url, payload });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json() as T;
}

const pkg = (name: string, version: string, publisher: string): SoftwareItem => ({
  name,
  version,
  publisher,
  source: 'dpkg',
});

async function reconcile() {
  const res = await t.inject({ method: 'POST', url: '/api/v1/reconciliations' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

interface FindingView {
  id: number;
  type: string;
  status: string;
  severity: string;
  summary: string;
  subject: { kind: string; id: string; subKey: string | null };
}

/** Every finding in a status filter, through the paginated API. */
/**
 * The finding types this scenario plants. Its truth is theirs: a rule added later raises its
 * own findings on these machines too, and has its own test.
 */
const SCENARIO_TYPES = new Set([
  'ghost_asset',
  'unregistered_device',
  'retired_asset_active',
  'unpatched_device',
  'license_overuse',
  'shelfware',
  'warranty_expiring',
  'hardware_changed',
  'stale_agent',
  'identity_conflict',
]);

type Counts = { opened: number; recurred: number; returned: number; resolved: number; open: number };

/** A run's counts summed over the scenario's types. */
function totals(run: { counts: { byType: Record<string, Counts> } }): Counts {
  const sum: Counts = { opened: 0, recurred: 0, returned: 0, resolved: 0, open: 0 };
  for (const [type, c] of Object.entries(run.counts.byType)) {
    if (!SCENARIO_TYPES.has(type)) continue;
    for (const k of Object.keys(sum) as (keyof Counts)[]) sum[k] += c[k];
  }
  return sum;
}

async function allFindings(status = 'active'): Promise<FindingView[]> {
  const out: FindingView[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `/api/v1/findings?status=${status}&limit=50&sort=id${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await t.inject({ url: q })).json();
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out.filter((f) => SCENARIO_TYPES.has(f.type));
}

const pair = (f: { type: string; subject: { id: string; subKey: string | null } }) =>
  `${f.type} ${f.subject.id}${f.subject.subKey ? ` ${f.subject.subKey}` : ''}`;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  NOW = new Date();
  vi.setSystemTime(NOW);
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
  vi.useRealTimers();
});

describe('reconciliation on a planted estate', () => {
  it('reports exactly the known truth, changes nothing when run again, and resolves each condition once fixed', async () => {
    const truth = new Set<string>();
    const expectFinding = (type: string, id: string, subKey?: string) =>
      truth.add(`${type} ${id}${subKey ? ` ${subKey}` : ''}`);

    // Policy: an OS baseline per family, so every patch rule has something to catch.
    await api('PUT', '/api/v1/policies', {
      patch: {
        linux: { baselines: [{ osName: 'Ubuntu', minVersion: '22.04.4' }] },
        windows: { baselines: [{ osName: 'Windows 11*', minBuild: '26200.6584' }] },
      },
    });

    // The register: 200 deployed laptops, registered 60 days ago.
    const assets: { id: string; serial: string }[] = [];
    await atTime(at(-60), async () => {
      for (let i = 1; i <= 200; i++) {
        const serial = `SN-${String(i).padStart(4, '0')}`;
        const extra: Record<string, unknown> = {};
        if (i === 150) extra.warrantyEnd = date(30);
        if (i === 151) extra.warrantyEnd = date(120);
        if (i === 152) extra.warrantyEnd = date(-5);
        if (i === 104) extra.assigneeEmail = 'bob@corp.example';
        const a = await api<{ id: string }>('POST', '/api/v1/assets', {
          assetTag: `LT-${i}`,
          serial,
          status: 'deployed',
          ...extra,
        });
        assets.push({ id: a.id, serial });
      }
    });
    const asset = (i: number) => assets[i - 1] as { id: string; serial: string };
    expectFinding('warranty_expiring', asset(150).id);

    // 7% ghosts: 14 assets no agent reports now. Two of them reported 45 days ago, then went quiet.
    for (let i = 1; i <= 14; i++) expectFinding('ghost_asset', asset(i).id);
    const quietAgent = await enrolAgent(t.app);
    const quiet = await report(
      quietAgent,
      { serial: asset(1).serial, hostname: 'gone-1', software: [pkg('Acme CAD', '5.0', 'Acme')] },
      at(-45),
    );
    await report(await enrolAgent(t.app), { serial: asset(2).serial, hostname: 'gone-2' }, at(-45));

    // The other 186 report, a few with a condition to find.
    const agents = new Map<number, Agent>();
    const devices = new Map<number, string>();
    const specs = new Map<number, SnapshotSpec>();
    const spec = (i: number): SnapshotSpec => {
      const software: SoftwareItem[] = [pkg('bash', '5.2.15', 'Debian')];
      const s: SnapshotSpec = { serial: asset(i).serial, hostname: `ws-${i}`, software };
      // Licenses: Acme CAD on 8 present devices (5 seats).
      if (i >= 20 && i < 28) software.push(pkg('Acme CAD', '5.1', 'Acme'));
      // Contoso Office 2019..2021 from Contoso on 12 devices (10 seats); other versions and a look-alike do not count.
      if (i >= 30 && i < 42)
        software.push(pkg('Contoso Office Professional', i % 2 ? '2019.0.1' : '2021.5', 'Contoso Ltd'));
      if (i >= 42 && i < 45) software.push(pkg('Contoso Office Professional', '2016.3', 'Contoso Ltd'));
      if (i >= 45 && i < 47) software.push(pkg('Contoso Office Professional', '2022.0', 'Contoso Ltd'));
      if (i === 47) software.push(pkg('Contoso Office Professional', '2020.1', 'Other Corp'));
      // Fabrikam Chat per user (3 seats): alice twice, bob as CORP\bob and as an assignee, carol, and a nobody.
      const chatUsers: Record<number, string | null> = { 100: 'alice', 101: 'ALICE', 102: 'CORP\\bob', 103: 'carol' };
      if (i >= 100 && i <= 105) {
        software.push(pkg('Fabrikam Chat', '3.2', 'Fabrikam'));
        const user = chatUsers[i];
        if (user) s.users = { loggedIn: [], lastLoggedIn: { user } };
      }
      // Globex Design: 5 devices of 50 seats; Initech Suite: 3 users of 40; Umbrella Viewer: 2 of 100 (renews later).
      if (i >= 110 && i < 115) software.push(pkg('Globex Design', '7', 'Globex'));
      if (i >= 115 && i < 118) {
        software.push(pkg('Initech Suite', '1.0', 'Initech'));
        s.users = { loggedIn: [], lastLoggedIn: { user: `user${i}` } };
      }
      if (i >= 118 && i < 120) software.push(pkg('Umbrella Viewer', '2', 'Umbrella'));
      if (i >= 120 && i < 140) software.push(pkg('Hooli Notes', '9.1', 'Hooli'));
      return s;
    };
    // Memory: device 60 had two modules two days ago; one of them is gone now.
    const dimm = (slot: string, serial: string) => ({
      slot,
      serial,
      sizeBytes: 8 * 1024 ** 3,
      manufacturer: 'Samsung',
    });
    const twoModules = {
      memory: { totalBytes: 16 * 1024 ** 3, modules: [dimm('DIMM 1', 'M-1'), dimm('DIMM 2', 'M-2')] },
    };
    const oneModule = { memory: { totalBytes: 8 * 1024 ** 3, modules: [dimm('DIMM 1', 'M-1')] } };
    for (let i = 15; i <= 200; i++) {
      const s = spec(i);
      const agent = await enrolAgent(t.app);
      agents.set(i, agent);
      if (i === 60) {
        await report(agent, { ...s, hardware: twoModules }, at(-2));
        s.hardware = oneModule;
      }
      // Stale: three registered devices last reported ten days ago.
      const when = i >= 70 && i < 73 ? at(-10) : NOW;
      specs.set(i, s);
      devices.set(i, await report(agent, s, when));
    }
    const device = (i: number) => devices.get(i) as string;
    for (let i = 70; i < 73; i++) expectFinding('stale_agent', device(i));
    expectFinding('hardware_changed', device(60), 'memory:serial:M-2');

    // Patch state, one device per rule (and one per family for baselines and end of support).
    const patches: [number, SnapshotSpec][] = [
      [80, { patches: { pendingCount: 12, pendingSecurityCount: 12 } }],
      [
        81,
        { patches: { pendingCount: 2, pendingSecurityCount: 2, oldestPendingSecuritySince: at(-20).toISOString() } },
      ],
      [82, { patches: { pendingCount: 5, pendingSecurityCount: 0, lastPackageChange: at(-50).toISOString() } }],
      [83, { os: { name: 'Ubuntu', version: '22.04.1' } }],
      [84, { os: { family: 'windows', name: 'Windows 11 Pro', version: '25H2', build: '26200.5074' } }],
      [85, { os: { name: 'Debian GNU/Linux', version: '10.13' } }],
      [86, { os: { family: 'windows', name: 'Windows 10 Pro', version: '22H2', build: '19045.4651' } }],
    ];
    // Within policy: nothing pending for months, a fresh Windows 11 build, Ubuntu at the baseline.
    const fine: [number, SnapshotSpec][] = [
      [90, { patches: { pendingCount: 0, pendingSecurityCount: 0, lastPackageChange: at(-200).toISOString() } }],
      [91, { os: { family: 'windows', name: 'Windows 11 Pro', version: '25H2', build: '26200.7171' } }],
      [92, { os: { name: 'Ubuntu', version: '22.04.4' } }],
    ];
    for (const [i, extra] of [...patches, ...fine]) {
      const s = { ...(specs.get(i) as SnapshotSpec), ...extra };
      specs.set(i, s);
      await report(agents.get(i) as Agent, s);
    }
    for (const [i] of patches) expectFinding('unpatched_device', device(i));

    // Two retired assets still report.
    await atTime(at(-10), async () => {
      for (const i of [190, 191]) await api('PATCH', `/api/v1/assets/${asset(i).id}`, { status: 'retired' });
    });
    expectFinding('retired_asset_active', asset(190).id);
    expectFinding('retired_asset_active', asset(191).id);

    // 10% more devices than the register: 20 unregistered, two of them sharing a serial, one stale.
    const extras: string[] = [];
    const extraAgents: Agent[] = [];
    for (let i = 1; i <= 20; i++) {
      const serial = i <= 2 ? 'DUP-SERIAL' : `SHADOW-${i}`;
      const when = i === 20 ? at(-9) : NOW;
      const agent = await enrolAgent(t.app);
      extraAgents.push(agent);
      extras.push(await report(agent, { serial, hostname: `shadow-${i}` }, when));
    }
    for (const id of extras) expectFinding('unregistered_device', id);
    expectFinding('stale_agent', extras[19] as string);
    expectFinding('identity_conflict', 'duplicate_serial', 'DUP-SERIAL');

    // Licenses: three over their seats, two shelfware at renewal, two fine.
    const license = (body: object) =>
      api<{ id: string; product: string; metric: string }>('POST', '/api/v1/licenses', body);
    const acme = await license({ product: 'Acme CAD', seats: 5 });
    const contoso = await license({
      product: 'Contoso Office 2019-2021',
      namePattern: 'contoso office*',
      publisherPattern: 'Contoso*',
      versionRange: '>=2019 <2022',
      seats: 10,
    });
    const chat = await license({ product: 'Fabrikam Chat', seats: 3, metric: 'per_user' });
    const globex = await license({ product: 'Globex Design', seats: 50, termEnd: date(60) });
    const initech = await license({ product: 'Initech Suite', seats: 40, metric: 'per_user', termEnd: date(30) });
    await license({ product: 'Umbrella Viewer', seats: 100, termEnd: date(200) });
    await license({ product: 'Hooli Notes', seats: 20, termEnd: date(45) });
    // License findings are about the product's position: the product, its metric as the sub-key.
    for (const l of [acme, contoso, chat]) expectFinding('license_overuse', l.product, l.metric);
    for (const l of [globex, initech]) expectFinding('shelfware', l.product, l.metric);

    // First run: exactly the truth.
    const first = await reconcile();
    expect(first.status).toBe('succeeded');
    const found = await allFindings();
    expect(new Set(found.map(pair))).toEqual(truth);
    expect(found).toHaveLength(truth.size);
    expect(totals(first)).toMatchObject({ opened: truth.size, resolved: 0, open: truth.size });
    expect(first.counts.byType.ghost_asset).toMatchObject({ opened: 14, open: 14 });
    expect(first.counts.byType.unregistered_device).toMatchObject({ opened: 20 });
    expect(first.matching).toMatchObject({ devices: 186 + 2 + 20, linked: 186 + 2 });
    for (const f of found) expect(f.summary.length).toBeGreaterThan(10);

    // The evidence says why: usage counted by metric, the rules each device breaks.
    const byPair = new Map(found.map((f) => [pair(f), f]));
    const detail = async (key: string) => (await t.inject({ url: `/api/v1/findings/${byPair.get(key)?.id}` })).json();
    expect((await detail(`license_overuse ${chat.product} per_user`)).evidence.facts).toMatchObject({
      seats: 3,
      used: 4,
    });
    expect((await detail(`license_overuse ${contoso.product} per_device`)).evidence.facts).toMatchObject({
      seats: 10,
      used: 12,
    });
    expect((await detail(`license_overuse ${acme.product} per_device`)).evidence.facts).toMatchObject({ used: 8 });
    expect((await detail(`shelfware ${initech.product} per_user`)).evidence.facts).toMatchObject({
      used: 3,
      unused: 37,
    });
    const rules = async (i: number) =>
      (await detail(`unpatched_device ${device(i)}`)).evidence.facts.violations.map((v: { rule: string }) => v.rule);
    expect(await rules(80)).toEqual(['pending_security']);
    expect(await rules(81)).toEqual(['security_age']);
    expect(await rules(82)).toEqual(['last_patch']);
    expect(await rules(83)).toEqual(['os_baseline']);
    expect(await rules(84)).toEqual(['os_baseline']);
    expect(await rules(85)).toEqual(['end_of_support']);
    expect(await rules(86)).toEqual(['end_of_support']);
    expect((await detail(`retired_asset_active ${asset(190).id}`)).severity).toBe('high');
    expect((await detail(`ghost_asset ${asset(1).id}`)).evidence.facts).toMatchObject({ lastDeviceId: quiet });

    // A second run changes nothing.
    const second = await reconcile();
    expect(totals(second)).toEqual({ opened: 0, recurred: 0, returned: 0, resolved: 0, open: truth.size });
    const again = await allFindings();
    expect(again.map((f) => [f.id, f.status, f.summary])).toEqual(found.map((f) => [f.id, f.status, f.summary]));

    // Fix one condition of each type.
    const fixed = new Set<string>();
    const fix = (key: string) => fixed.add(key);
    await report(await enrolAgent(t.app), { serial: asset(3).serial, hostname: 'found-3' });
    fix(`ghost_asset ${asset(3).id}`);
    await api('POST', '/api/v1/assets', { assetTag: 'LT-SHADOW-5', serial: 'SHADOW-5', status: 'deployed' });
    fix(`unregistered_device ${extras[4]}`);
    await api('PATCH', `/api/v1/assets/${asset(190).id}`, { status: 'in_stock', statusNote: 'back from retirement' });
    fix(`retired_asset_active ${asset(190).id}`);
    await report(agents.get(80) as Agent, { ...specs.get(80), patches: { pendingCount: 0, pendingSecurityCount: 0 } });
    fix(`unpatched_device ${device(80)}`);
    await report(agents.get(85) as Agent, { ...specs.get(85), os: { name: 'Debian GNU/Linux', version: '12.7' } });
    fix(`unpatched_device ${device(85)}`);
    await api('PATCH', `/api/v1/licenses/${acme.id}`, { seats: 8 });
    fix(`license_overuse ${acme.product} per_device`);
    await api('PATCH', `/api/v1/licenses/${globex.id}`, { seats: 8 });
    fix(`shelfware ${globex.product} per_device`);
    await api('PATCH', `/api/v1/assets/${asset(150).id}`, { warrantyEnd: date(400) });
    fix(`warranty_expiring ${asset(150).id}`);
    await report(agents.get(60) as Agent, { ...specs.get(60), hardware: twoModules });
    fix(`hardware_changed ${device(60)} memory:serial:M-2`);
    await report(agents.get(70) as Agent, specs.get(70) as SnapshotSpec);
    fix(`stale_agent ${device(70)}`);
    // One of the two machines reporting the same serial now reports its own.
    expect(await report(extraAgents[1] as Agent, { serial: 'SHADOW-2', hostname: 'shadow-2' })).toBe(extras[1]);
    fix('identity_conflict duplicate_serial DUP-SERIAL');

    const third = await reconcile();
    const after = await allFindings();
    const afterPairs = new Set(after.map(pair));
    expect(new Set([...truth].filter((k) => !afterPairs.has(k)))).toEqual(fixed);
    expect([...afterPairs].filter((k) => !truth.has(k))).toEqual([]);
    expect(totals(third)).toMatchObject({ opened: 0, recurred: 0, resolved: fixed.size });
    const resolved = await allFindings('resolved');
    expect(new Set(resolved.map(pair))).toEqual(fixed);
  });
});
