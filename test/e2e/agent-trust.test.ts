import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ProblemTypes } from '@stocktake/shared/core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeCollector, json, problem, type ReceivedMessage } from '../support/fake-collector.ts';
import { AGENT_BIN, runAgent, tempDir } from '../support/processes.ts';

const SECRET = 'e2e-trust-secret';

/**
 * The agent trusts only what it can check: a collector URL that redirects, answers too much,
 * answers nonsense, sits behind a proxy that strips the token, and an agent whose own files
 * are damaged. Real agent processes (`once`) against real HTTP servers on loopback.
 */
describe('an agent that trusts only what it can check', () => {
  const dirs: { remove(): void }[] = [];
  const servers: FakeCollector[] = [];
  let stateDir: string;

  const collector = async () => {
    const c = await new FakeCollector().start();
    servers.push(c);
    return c;
  };
  // Pending updates (apt) take half a minute on a cold cache: a short per-source limit marks
  // them failed instead, which these tests do not look at.
  const once = (server: FakeCollector, ...extra: string[]) =>
    runAgent(['once', '--server', server.url, '--state-dir', stateDir, '--timeout', '2000', ...extra]);
  const onceEnrolling = (server: FakeCollector) => once(server, '--enroll-secret', SECRET);

  /** The messages waiting in the outbox, in order. */
  const outbox = (): ReceivedMessage[] =>
    readdirSync(join(stateDir, 'spool'))
      .filter((n) => n.endsWith('.json.gz'))
      .sort()
      .map((n) => JSON.parse(gunzipSync(readFileSync(join(stateDir, 'spool', n))).toString('utf8')));

  beforeEach(() => {
    const dir = tempDir('stocktake-e2e-trust-');
    dirs.push(dir);
    stateDir = dir.path;
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  afterAll(() => {
    for (const d of dirs) d.remove();
  });

  it('follows no redirect: nothing reaches the target, the message names it, the snapshot stays', async () => {
    const elsewhere = await collector();
    const server = await collector();
    const redirectTo = (status: number, route: string) => (res: ServerResponse) => {
      res.writeHead(status, { location: `${elsewhere.url}${route}` });
      res.end();
      return true;
    };
    server.override = (req, res) => req.url === '/api/v1/agent/enroll' && redirectTo(307, req.url)(res);
    const enrol = await onceEnrolling(server);
    expect(enrol.code, enrol.stderr).toBe(69);
    expect(enrol.stderr).toContain(`a redirect to ${elsewhere.url}/api/v1/agent/enroll`);
    expect(existsSync(join(stateDir, 'credentials.json'))).toBe(false);

    server.override = (req, res) => req.url === '/api/v1/agent/snapshots' && redirectTo(308, req.url)(res);
    const push = await onceEnrolling(server);
    expect(push.code, push.stderr).toBe(69);
    expect(push.stderr).toContain(`a redirect to ${elsewhere.url}/api/v1/agent/snapshots`);
    expect(outbox()).toHaveLength(1);

    expect(elsewhere.requests).toEqual([]);
  }, 120_000);

  it('reads at most a bounded answer: 300 MB costs neither memory nor a 300 MB credentials file', async () => {
    const server = await collector();
    let sent = 0;
    server.override = (req, res) => {
      if (req.url !== '/api/v1/agent/enroll') return false;
      res.writeHead(201, { 'content-type': 'application/json' });
      const total = 300 * 1024 * 1024;
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      res.write('{"agentId":"agent-1","agentToken":"');
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}');
      };
      res.socket?.on('close', () => res.removeAllListeners('drain'));
      pump();
      return true;
    };
    // No --timeout: it would cut the read short as well, and the cap is what this is about.
    const child = spawn(
      process.execPath,
      [AGENT_BIN, 'once', '--server', server.url, '--enroll-secret', SECRET, '--state-dir', stateDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    // Peak resident memory, sampled while it runs; past the ceiling it is stopped (today's agent
    // would climb past 2 GB).
    const ceilingMb = 250;
    let peakMb = 0;
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
        peakMb = Math.max(peakMb, hwm);
        if (peakMb > ceilingMb) child.kill('SIGKILL');
      } catch {
        // exited between two samples
      }
    }, 20);
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
    clearInterval(sampler);
    expect(peakMb, `peak ${peakMb.toFixed(0)} MB`).toBeLessThan(ceilingMb);
    expect(code, stderr).toBe(69);
    expect(stderr).toContain('with more than 1048576 bytes');
    expect(existsSync(join(stateDir, 'credentials.json'))).toBe(false);
    // It hung up early: what the server got out is the reader's cap plus socket buffers.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);

  it('takes only a valid acknowledgement of the snapshot sent as a delivery: `200 {}` keeps it', async () => {
    const server = await collector();
    server.override = (req, res) => req.url === '/api/v1/agent/snapshots' && json(res, 200, {});
    const first = await onceEnrolling(server);
    expect(first.code, first.stderr).toBe(69);
    expect(first.stderr).toContain('is not one');
    const [kept] = outbox();
    expect(kept?.kind).toBe('full');

    // An acknowledgement of some other snapshot is no delivery of this one either.
    server.override = (req, res) =>
      req.url.startsWith('/api/v1/agent/') &&
      req.url !== '/api/v1/agent/enroll' &&
      json(res, 201, { snapshotId: 'another', deviceId: 'device-1', duplicate: false });
    const second = await once(server);
    expect(second.code, second.stderr).toBe(69);
    expect(outbox()).toHaveLength(2);

    server.override = undefined;
    const third = await once(server);
    expect(third.code, third.stderr).toBe(0);
    expect(server.stored.map((m) => m.snapshotId)[0]).toBe(kept?.snapshotId);
    expect(server.stored).toHaveLength(3);
    expect(outbox()).toEqual([]);
  }, 180_000);

  it('keeps a snapshot refused in a way the contract does not name final, and drops one it does', async () => {
    const server = await collector();
    server.override = (req, res) =>
      req.url === '/api/v1/agent/snapshots' && problem(res, 409, ProblemTypes.conflict, 'not now');
    expect((await onceEnrolling(server)).code).toBe(77);
    const [kept] = outbox();
    expect(kept).toBeDefined();

    server.override = (req, res) =>
      req.url === '/api/v1/agent/snapshots' &&
      JSON.parse(req.body).snapshotId === kept?.snapshotId &&
      problem(res, 400, ProblemTypes.validation, 'does not match the schema');
    const run = await once(server);
    expect(run.code, run.stderr).toBe(0);
    expect(server.stored.map((m) => m.snapshotId)).not.toContain(kept?.snapshotId);
    expect(server.stored).toHaveLength(1);
  }, 120_000);

  it('never enrols again behind a proxy that strips Authorization, and at most once an hour after a revocation', async () => {
    const server = await collector();
    // The proxy: the collector never sees the header, so every token is "missing".
    server.override = (req, res) =>
      req.url !== '/api/v1/agent/enroll' && problem(res, 401, ProblemTypes.unauthorized, 'Missing bearer token');
    const runs = [await onceEnrolling(server), await onceEnrolling(server), await onceEnrolling(server)];
    expect(runs.map((r) => r.code)).toEqual([77, 77, 77]);
    expect(runs[0]?.stderr).toContain('drops the Authorization header');
    expect(server.enrolments).toHaveLength(1);
    expect(outbox()).toHaveLength(3);

    // The proxy is fixed: the same token works and everything queued goes.
    server.override = undefined;
    expect((await onceEnrolling(server)).code).toBe(0);
    expect(server.stored).toHaveLength(4);

    // Revoked: a token the collector accepted before may be replaced, once an hour.
    server.revokeAll();
    const revoked = await onceEnrolling(server);
    expect(revoked.code).toBe(77);
    expect(revoked.stderr).toContain('at most once an hour');
    expect(server.enrolments).toHaveLength(1);
    const credentialsPath = join(stateDir, 'credentials.json');
    const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8'));
    credentials.enrolledAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
    writeFileSync(credentialsPath, JSON.stringify(credentials));
    const after = await onceEnrolling(server);
    expect(after.code, after.stderr).toBe(0);
    expect(server.enrolments).toHaveLength(2);
    server.revokeAll();
    expect((await onceEnrolling(server)).code).toBe(77);
    expect(server.enrolments).toHaveLength(2);
  }, 300_000);

  it('saves only the credential fields it knows', async () => {
    const server = await collector();
    server.enrolExtras = { serverUrl: 'http://elsewhere.example', padding: 'x'.repeat(10_000) };
    const run = await onceEnrolling(server);
    expect(run.code, run.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(stateDir, 'credentials.json'), 'utf8'));
    expect(Object.keys(saved).sort()).toEqual(['agentId', 'agentToken', 'confirmed', 'enrolledAt', 'serverUrl']);
    expect(saved.serverUrl).toBe(`${server.url}/`);
  }, 120_000);

  it('sets a damaged credentials file aside in one log line and enrols again', async () => {
    const server = await collector();
    writeFileSync(join(stateDir, 'credentials.json'), `{"serverUrl":"${server.url}/","agentId":"a`);
    const run = await onceEnrolling(server);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('enrolled as agent');
    const lines = run.stderr.split('\n').filter((l) => l.includes('credentials'));
    expect(lines).toEqual([expect.stringContaining('credentials file unusable; set aside, enrolling again')]);
    const aside = readdirSync(stateDir).filter((n) => n.startsWith('credentials.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(stateDir, aside[0] as string), 'utf8')).toContain('"agentId":"a');
    expect(server.enrolments).toHaveLength(1);
  }, 120_000);

  it('loses only the damaged outbox entry: the delta after it goes out in full, the rest as queued', async () => {
    const server = await collector();
    expect((await onceEnrolling(server)).code).toBe(0);
    server.override = (req, res) =>
      /snapshots|deltas/.test(req.url) && problem(res, 503, ProblemTypes.internal, 'down for maintenance');
    for (let i = 0; i < 3; i++) expect((await once(server)).code).toBe(69);
    const queued = outbox();
    expect(queued.map((m) => m.kind)).toEqual(['delta', 'delta', 'delta']);
    const spool = join(stateDir, 'spool');
    const [damaged] = readdirSync(spool).sort();
    writeFileSync(join(spool, damaged as string), Buffer.from('\x1f\x8b half a gzip file'));

    server.override = undefined;
    const run = await once(server);
    expect(run.code, run.stderr).toBe(0);
    const delivered = server.stored.slice(1);
    expect(delivered.map((m) => m.snapshotId).slice(0, 2)).toEqual([queued[1]?.snapshotId, queued[2]?.snapshotId]);
    expect(delivered).toHaveLength(3);
    expect(delivered[0]?.kind).toBe('full');
    expect(server.stored.map((m) => m.snapshotId)).not.toContain(queued[0]?.snapshotId);
  }, 300_000);
});
