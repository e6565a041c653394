import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENROLMENT_BLOCKED_PROBLEM_TYPE, isFinalRefusal } from '@stocktake/shared';
import type { AgentInfo, AgentList, Conflict, ConflictList, DeviceDetail, FindingPage } from '@stocktake/shared/api';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, HostFixture, until, writeAgentConfig } from '../support/agent-service.ts';
import { type RunningCollector, runCollector, startCollector, tempDir } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const STOCKTAKE_BIN = join(ROOT, 'collector', 'cli', 'bin', 'stocktake.mjs');
const SECRET = 'e2e-identity-secret';
/** Agents start by compiling their sources; on a loaded machine that alone takes a while. */
const SLOW = { timeout: 180_000 };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** `stocktake-collector token create`, as an administrator makes a token on the collector host. */
async function adminToken(dbPath: string): Promise<string> {
  const made = await runCollector(['token', 'create', '--db', dbPath, '--name', 'e2e-admin', '--role', 'admin']);
  if (made.code !== 0) throw new Error(`token create failed: ${made.stderr}`);
  return made.stdout.trim();
}

describe('device identity and agent lifecycle, with real agents and a real collector', SLOW, () => {
  const dir = tempDir('stocktake-e2e-identity-');
  const dbPath = join(dir.path, 'collector.db');
  let collector: RunningCollector;
  let env: NodeJS.ProcessEnv;
  let headers: Record<string, string>;
  const agents: AgentProcess[] = [];

  const stocktake = (args: string[]) => run(STOCKTAKE_BIN, args, env);
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await stocktake([...args, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${collector.url}${path}`, { headers })).json()) as T;

  /** `stocktake-agent run` on a machine, with its own state directory: a separate installation. */
  function agentOn(host: HostFixture, name: string): AgentProcess {
    const config = writeAgentConfig(join(dir.path, `${name}.json`), {
      server: collector.url,
      enrollSecret: SECRET,
      stateDir: join(dir.path, `state-${name}`),
      hostRoot: host.root,
      // Only the start-up run takes an inventory.
      schedule: { inventory: '0 0 1 1 *', splaySeconds: 0, heartbeatSeconds: 1 },
      retry: { minSeconds: 0.2, maxSeconds: 1 },
    });
    const agent = new AgentProcess(config);
    agents.push(agent);
    return agent;
  }

  const agentList = async () => (await json<AgentList>(['agents', 'list', '--include-revoked'])).items;
  const agentOf = async (deviceId: string): Promise<AgentInfo | undefined> =>
    (await agentList()).find((a) => a.deviceId === deviceId && a.revokedAt === null);

  beforeAll(async () => {
    collector = await startCollector({ dbPath, enrollSecret: SECRET, extraArgs: ['--reconcile-cron', 'off'] });
    const token = await adminToken(dbPath);
    headers = { authorization: `Bearer ${token}` };
    const home = join(dir.path, 'home');
    mkdirSync(home, { recursive: true });
    env = { PATH: process.env.PATH, HOME: home, STOCKTAKE_URL: collector.url, STOCKTAKE_TOKEN: token };
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => Promise.race([a.stop(), new Promise((r) => setTimeout(r, 15_000))])));
    await Promise.all(agents.map((a) => a.kill()));
    await collector?.stop();
    dir.remove();
  });

  describe('a new agent reporting a known machine’s serial and UUID', () => {
    const host = new HostFixture(join(dir.path, 'host-victim'), {
      packages: 30,
      serial: 'E2E-VICTIM-1',
      uuid: '4c4c4544-0042-3510-8052-b4c04f4d0001',
    });
    let victimDevice: string;
    let claimantDevice: string;

    it('ends on a device of its own, the victim keeping its device, with a high identity conflict raised', async () => {
      const victim = agentOn(host, 'victim');
      victimDevice = (await victim.waitFor('snapshot delivered', 1, 150_000))[0]?.deviceId as string;
      const victimAgentId = victim.with('enrolled')[0]?.agentId;

      // Anyone holding the fleet's enroll secret can report any serial and UUID.
      const claimant = agentOn(host, 'claimant');
      claimantDevice = (await claimant.waitFor('snapshot delivered', 1, 150_000))[0]?.deviceId as string;
      expect(claimantDevice).not.toBe(victimDevice);
      expect((await api<DeviceDetail>(`/api/v1/devices/${victimDevice}`)).agentId).toBe(victimAgentId);
      expect(await agentOf(victimDevice)).toMatchObject({ id: victimAgentId, address: '127.0.0.1' });

      const claim: Conflict = {
        kind: 'claimed_identity',
        value: 'E2E-VICTIM-1',
        deviceIds: [victimDevice, claimantDevice],
        assetIds: [],
      };
      expect((await api<ConflictList>('/api/v1/conflicts')).items).toContainEqual(claim);
      const listed = (await agentList()).find((a) => a.deviceId === claimantDevice);
      expect(listed?.claimedDeviceId).toBe(victimDevice);

      expect((await stocktake(['reconcile'])).code).toBe(0);
      const findings = await json<FindingPage>(['findings', 'list', '--type', 'identity_conflict']);
      expect(findings.items.find((f) => f.subject.id === 'claimed_identity')).toMatchObject({
        severity: 'high',
        subject: { kind: 'identifier', id: 'claimed_identity', subKey: 'E2E-VICTIM-1' },
      });
    });

    it('moves the device to the new agent when an admin adopts it (stocktake devices adopt), audited', async () => {
      const claimantAgent = (await agentList()).find((a) => a.deviceId === claimantDevice);
      const adopted = await stocktake(['devices', 'adopt', victimDevice, '--agent', String(claimantAgent?.id)]);
      expect(adopted.code, adopted.stderr).toBe(0);
      expect(adopted.stdout).toContain(`Device ${victimDevice} now follows agent ${claimantAgent?.id}`);
      expect((await api<DeviceDetail>(`/api/v1/devices/${victimDevice}`)).agentId).toBe(claimantAgent?.id);
      expect((await fetch(`${collector.url}/api/v1/devices/${claimantDevice}`, { headers })).status).toBe(404);
      const audit = await api<{ items: { actor: string; action: string }[] }>(
        `/api/v1/audit?entityType=device&entityId=${victimDevice}`,
      );
      expect(audit.items[0]).toMatchObject({ actor: 'e2e-admin', action: 'adopt' });
    });
  });

  describe('a revoked agent', () => {
    const host = new HostFixture(join(dir.path, 'host-revoked'), {
      packages: 30,
      serial: 'E2E-REVOKED-1',
      uuid: '4c4c4544-0042-3510-8052-b4c04f4d0002',
    });

    it('has its live socket closed at once, and re-enrolling does not get its device back', async () => {
      const agent = agentOn(host, 'revoked');
      const deviceId = (await agent.waitFor('snapshot delivered', 1, 150_000))[0]?.deviceId as string;
      await agent.waitFor('live channel connected', 1, 150_000);
      await until(async () => (await api<DeviceDetail>(`/api/v1/devices/${deviceId}`)).online);
      const agentId = String((await agentOf(deviceId))?.id);

      const revoked = await stocktake(['agents', 'revoke', agentId]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toContain(`Blocked device ${deviceId}`);
      const [closed] = await agent.waitFor('live channel closed', 1, 10_000);
      expect(closed?.code).toBe(4401);
      expect((await api<DeviceDetail>(`/api/v1/devices/${deviceId}`)).online).toBe(false);

      // The same machine enrolling again with the fleet's secret is refused, and the device stays.
      const enrolled = await fetch(`${collector.url}/api/v1/agent/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enrollSecret: SECRET, hostname: 'again', agentVersion: '0.1.0', platform: 'linux' }),
      });
      const { agentId: again, agentToken } = (await enrolled.json()) as { agentId: string; agentToken: string };
      const snapshot = makeSnapshot({
        agentId: again,
        serial: 'E2E-REVOKED-1',
        uuid: '4c4c4544-0042-3510-8052-b4c04f4d0002',
      });
      const pushed = await fetch(`${collector.url}/api/v1/agent/snapshots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
        body: JSON.stringify(snapshot),
      });
      expect(pushed.status).toBe(403);
      const problem = (await pushed.json()) as { type: string; detail: string };
      expect(problem.type).toBe(ENROLMENT_BLOCKED_PROBLEM_TYPE);
      expect(problem.detail).not.toContain(deviceId);
      expect((await api<DeviceDetail>(`/api/v1/devices/${deviceId}`)).agentId).toBe(agentId);

      const blocks = await json<{ items: { id: number; value: string }[] }>(['agents', 'blocks']);
      const block = blocks.items.find((b) => b.value === deviceId);
      expect((await stocktake(['agents', 'allow', String(block?.id)])).code).toBe(0);
      const retried = await fetch(`${collector.url}/api/v1/agent/snapshots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
        body: JSON.stringify(snapshot),
      });
      expect(retried.status).toBe(201);
      expect(((await retried.json()) as { deviceId: string }).deviceId).toBe(deviceId);
    });
  });

  it('blocks a hardware serial (stocktake agents block --serial): agents reporting it are refused until allowed', async () => {
    const blocked = await stocktake(['agents', 'block', '--serial', 'e2e-stolen-1']);
    expect(blocked.code, blocked.stderr).toBe(0);
    expect(blocked.stdout).toMatch(/^Blocked serial E2E-STOLEN-1 \(block (\d+)\)\n$/);
    const listed = await stocktake(['agents', 'blocks']);
    expect(listed.stdout).toMatch(/\bserial +E2E-STOLEN-1\b/);

    const enrolled = await fetch(`${collector.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollSecret: SECRET, hostname: 'stolen', agentVersion: '0.1.0', platform: 'linux' }),
    });
    const { agentId, agentToken } = (await enrolled.json()) as { agentId: string; agentToken: string };
    const push = () =>
      fetch(`${collector.url}/api/v1/agent/snapshots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
        body: JSON.stringify(makeSnapshot({ agentId, serial: 'E2E-STOLEN-1' })),
      });
    expect((await push()).status).toBe(403);
    const id = /block (\d+)/.exec(blocked.stdout)?.[1];
    expect((await stocktake(['agents', 'allow', String(id)])).code).toBe(0);
    expect((await push()).status).toBe(201);
  });

  it('refuses a snapshot id another agent used, without naming its device', async () => {
    const enrol = async (hostname: string) => {
      const enrolled = await fetch(`${collector.url}/api/v1/agent/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' }),
      });
      return (await enrolled.json()) as { agentId: string; agentToken: string };
    };
    const push = (agentToken: string, snapshot: unknown) =>
      fetch(`${collector.url}/api/v1/agent/snapshots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
        body: JSON.stringify(snapshot),
      });
    const owner = await enrol('owner');
    const original = makeSnapshot({ agentId: owner.agentId, serial: 'E2E-OWNER-1' });
    const stored = (await (await push(owner.agentToken, original)).json()) as { deviceId: string };

    const guess = await enrol('guess');
    const reused = {
      ...makeSnapshot({ agentId: guess.agentId, serial: 'E2E-GUESS-1' }),
      snapshotId: original.snapshotId,
    };
    const pushed = await push(guess.agentToken, reused);
    expect(pushed.status).toBe(409);
    const refusal = await pushed.text();
    expect(refusal).not.toContain(stored.deviceId);
    // A final refusal: an agent drops the snapshot rather than retrying it forever.
    expect(isFinalRefusal(409, (JSON.parse(refusal) as { type: string }).type)).toBe(true);
    expect((await push(owner.agentToken, original)).status).toBe(200);
  });
});
