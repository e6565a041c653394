import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  AgentList,
  AuditPage,
  Conflict,
  ConflictList,
  DeviceDetail,
  DeviceMerge,
  FindingPage,
} from '@stocktake/shared/api';
import { makeSnapshot } from '@stocktake/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, HostFixture, writeAgentConfig } from '../support/agent-service.ts';
import { type RunningCollector, runCollector, startCollector, tempDir } from '../support/processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const STOCKTAKE_BIN = join(ROOT, 'collector', 'cli', 'bin', 'stocktake.mjs');
const SECRET = 'e2e-identity-admin-secret';
/** Agents start by compiling their sources; on a loaded machine that alone takes a while. */
const SLOW = { timeout: 240_000 };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [STOCKTAKE_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe(
  'clones, reinstalls, merges and deletes, with real agents, a real collector and the stocktake CLI',
  SLOW,
  () => {
    const dir = tempDir('stocktake-e2e-identity-admin-');
    const dbPath = join(dir.path, 'collector.db');
    let collector: RunningCollector;
    let env: NodeJS.ProcessEnv;
    let headers: Record<string, string>;
    const agents: AgentProcess[] = [];

    const stocktake = (args: string[]) => run(args, env);
    const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${collector.url}${path}`, { ...init, headers: { ...headers, ...init.headers } });
      return { status: res.status, body: (await res.json()) as T };
    };
    const device = async (id: string) => (await api<DeviceDetail>(`/api/v1/devices/${id}`)).body;
    const agentIdOf = async (deviceId: string) =>
      (await api<AgentList>('/api/v1/agents')).body.items.find((a) => a.deviceId === deviceId)?.id;

    /** `stocktake-agent run` on a machine, with a state directory of its own: one installation. */
    function agentOn(host: HostFixture, name: string): AgentProcess {
      const config = writeAgentConfig(join(dir.path, `${name}.json`), {
        server: collector.url,
        enrollSecret: SECRET,
        stateDir: join(dir.path, `state-${name}`),
        hostRoot: host.root,
        // Only the start-up run takes an inventory (and a refresh asked for over the live channel).
        schedule: { inventory: '0 0 1 1 *', splaySeconds: 0, heartbeatSeconds: 1 },
        retry: { minSeconds: 0.2, maxSeconds: 1 },
      });
      const agent = new AgentProcess(config);
      agents.push(agent);
      return agent;
    }
    const firstDevice = async (agent: AgentProcess) =>
      (await agent.waitFor('snapshot delivered', 1, 200_000))[0]?.deviceId as string;

    beforeAll(async () => {
      collector = await startCollector({ dbPath, enrollSecret: SECRET, extraArgs: ['--reconcile-cron', 'off'] });
      const made = await runCollector(['token', 'create', '--db', dbPath, '--name', 'e2e-admin', '--role', 'admin']);
      if (made.code !== 0) throw new Error(`token create failed: ${made.stderr}`);
      const token = made.stdout.trim();
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

    it('keeps a clone pair (same serial and UUID, other MACs, both reporting) on two devices, with a cloned_machine conflict', async () => {
      const identity = { packages: 20, serial: 'E2E-CLONE-1', uuid: '4c4c4544-0042-3510-8052-b4c04f4d0101' };
      const originalHost = new HostFixture(join(dir.path, 'host-original'), {
        ...identity,
        macs: ['00:50:56:01:00:01'],
      });
      const cloneHost = new HostFixture(join(dir.path, 'host-clone'), { ...identity, macs: ['00:50:56:01:00:02'] });
      const original = agentOn(originalHost, 'original');
      const originalDevice = await firstDevice(original);
      const originalAgent = await agentIdOf(originalDevice);
      const clone = agentOn(cloneHost, 'clone');
      const cloneDevice = await firstDevice(clone);

      expect(cloneDevice).not.toBe(originalDevice);
      expect((await device(originalDevice)).agentId).toBe(originalAgent);
      const conflict: Conflict = {
        kind: 'cloned_machine',
        value: 'E2E-CLONE-1',
        deviceIds: [originalDevice, cloneDevice],
        assetIds: [],
      };
      expect((await api<ConflictList>('/api/v1/conflicts')).body.items).toContainEqual(conflict);
      // The original's record and history are its own: no hardware change, no agent replaced.
      expect((await device(originalDevice)).changes.map((c) => c.kind)).toEqual(['first_seen']);

      expect((await stocktake(['reconcile'])).code).toBe(0);
      const listed = await stocktake(['findings', 'list', '--type', 'identity_conflict', '--json']);
      const findings = JSON.parse(listed.stdout) as FindingPage;
      expect(findings.items.find((f) => f.subject.id === 'cloned_machine')).toMatchObject({
        severity: 'high',
        subject: { kind: 'identifier', id: 'cloned_machine', subKey: 'E2E-CLONE-1' },
      });
      const hardware = JSON.parse(
        (await stocktake(['findings', 'list', '--type', 'hardware_changed', '--json'])).stdout,
      ) as FindingPage;
      expect(hardware.items).toEqual([]);
    });

    it('continues the old device for a reinstall: same hardware, a new agent, the old one revoked', async () => {
      const enrol = async (hostname: string) =>
        (
          await api<{ agentId: string; agentToken: string }>('/api/v1/agent/enroll', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ enrollSecret: SECRET, hostname, agentVersion: '0.1.0', platform: 'linux' }),
          })
        ).body;
      const push = async (agent: { agentId: string; agentToken: string }) => {
        const snapshot = makeSnapshot({
          agentId: agent.agentId,
          hostname: 'ws-reinstalled',
          serial: 'E2E-REINSTALL-1',
          uuid: '4c4c4544-0042-3510-8052-b4c04f4d0102',
          macs: ['3c:22:fb:01:00:03'],
        });
        const res = await fetch(`${collector.url}/api/v1/agent/snapshots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.agentToken}` },
          body: JSON.stringify(snapshot),
        });
        return ((await res.json()) as { deviceId: string }).deviceId;
      };
      const before = await enrol('ws-reinstalled');
      const deviceId = await push(before);
      const revoked = await stocktake(['agents', 'revoke', before.agentId, '--allow-reenrolment']);
      expect(revoked.code, revoked.stderr).toBe(0);

      const after = await enrol('ws-reinstalled');
      expect(await push(after)).toBe(deviceId);
      const continued = await device(deviceId);
      expect(continued.agentId).toBe(after.agentId);
      expect(continued.changes.map((c) => c.kind)).toContain('agent_replaced');
    });

    describe('a VM enrolled twice (no usable serial or UUID), merged, then deleted', () => {
      const host = new HostFixture(join(dir.path, 'host-vm'), {
        packages: 20,
        serial: 'To be filled by O.E.M.',
        uuid: '03000200-0400-0500-0006-000700080009',
        macs: ['00:50:56:01:00:04'],
      });
      let kept: string;
      let duplicate: string;
      let again: AgentProcess;

      it('merges the duplicate into the first device (stocktake devices merge, --yes), both histories kept', async () => {
        const first = agentOn(host, 'vm-first');
        kept = await firstDevice(first);
        await first.stop();
        again = agentOn(host, 'vm-again');
        duplicate = await firstDevice(again);
        expect(duplicate).not.toBe(kept);
        const againAgent = await agentIdOf(duplicate);

        const unconfirmed = await stocktake(['devices', 'merge', kept, duplicate]);
        expect(unconfirmed.code).toBe(64);
        expect(unconfirmed.stderr).toContain('run again with --yes');
        expect((await device(duplicate)).id).toBe(duplicate);

        const merged = await stocktake(['devices', 'merge', kept, duplicate, '--yes', '--json']);
        expect(merged.code, merged.stderr).toBe(0);
        expect(JSON.parse(merged.stdout) as DeviceMerge).toMatchObject({
          deviceId: kept,
          mergedDeviceId: duplicate,
          agentId: againAgent,
          agentIds: [againAgent],
          snapshots: 1,
        });
        expect((await api(`/api/v1/devices/${duplicate}`)).status).toBe(404);
        const survivor = await device(kept);
        expect(survivor.agentId).toBe(againAgent);
        expect(survivor.changes.map((c) => c.kind)).toEqual(['device_merged', 'first_seen', 'first_seen']);
        const audit = (await api<AuditPage>(`/api/v1/audit?entityType=device&entityId=${kept}`)).body;
        expect(audit.items[0]).toMatchObject({ actor: 'e2e-admin', action: 'merge' });

        // The agent's next inventory lands on the surviving device.
        await again.waitFor('live channel connected', 1, 60_000);
        const refreshed = await stocktake(['devices', 'refresh', kept, '--wait']);
        expect(refreshed.code, refreshed.stderr).toBe(0);
        expect(again.with('snapshot delivered').at(-1)?.deviceId).toBe(kept);
      });

      it('deletes it (stocktake devices delete, --yes), keeps the audit entries, and the machine returns as a new device', async () => {
        const unconfirmed = await stocktake(['devices', 'delete', kept]);
        expect(unconfirmed.code).toBe(64);
        expect(unconfirmed.stderr).toContain('run again with --yes');

        const deleted = await stocktake(['devices', 'delete', kept, '--yes']);
        expect(deleted.code, deleted.stderr).toBe(0);
        expect(deleted.stdout).toContain(`Deleted device ${kept}`);
        expect((await api(`/api/v1/devices/${kept}`)).status).toBe(404);
        const audit = (await api<AuditPage>(`/api/v1/audit?entityType=device&entityId=${kept}`)).body;
        expect(audit.items.map((e) => e.action)).toEqual(['delete', 'merge']);

        await again.stop();
        const back = await firstDevice(agentOn(host, 'vm-again'));
        expect(back).not.toBe(kept);
        expect(back).not.toBe(duplicate);
        expect((await device(back)).changes.map((c) => c.kind)).toEqual(['first_seen']);
      });
    });
  },
);
