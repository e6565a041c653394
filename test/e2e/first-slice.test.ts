import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { validateSnapshot } from '@stocktake/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHeaders } from '../support/agent-service.ts';
import { type RunningCollector, runAgent, startCollector, tempDir } from '../support/processes.ts';

const SECRET = 'e2e-enroll-secret';
const hasDpkg = (() => {
  try {
    execFileSync('dpkg-query', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Packages dpkg reports as present on disk (installed or mid-transition), not removed ones. */
function dpkgInstalled(): string[] {
  const out = execFileSync(
    'dpkg-query',
    ['-W', `-f=\${Package}\t\${Version}\t\${Architecture}\t\${db:Status-Status}\n`],
    {
      encoding: 'utf8',
    },
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([, , , status]) => status !== 'config-files' && status !== 'not-installed')
    .map(([name, version, arch]) => `${name}\t${version}\t${arch}`)
    .sort();
}

describe('agent and collector, end to end', () => {
  const dir = tempDir('stocktake-e2e-');
  let collector: RunningCollector;
  let headers: Record<string, string> = {};

  beforeAll(async () => {
    collector = await startCollector({ dbPath: join(dir.path, 'stocktake.db'), enrollSecret: SECRET });
    headers = await apiHeaders(join(dir.path, 'stocktake.db'));
  });
  afterAll(async () => {
    await collector?.stop();
    dir.remove();
  });

  it('inventory prints a snapshot that the shared schema accepts', async () => {
    const run = await runAgent(['inventory', '--state-dir', join(dir.path, 'unused-state')]);
    expect(run.code, run.stderr).toBe(0);
    const snapshot = JSON.parse(run.stdout);
    const result = validateSnapshot(snapshot);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(snapshot.sections.os.status).toBe('ok');
    expect(snapshot.sections.hardware.status).toBe('ok');
  });

  it('once enrols, pushes, and the collector serves the device back with its software', async () => {
    const stateDir = join(dir.path, 'state');
    const run = await runAgent(['once', '--server', collector.url, '--enroll-secret', SECRET, '--state-dir', stateDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^pushed snapshot [0-9a-f-]{36} for device [0-9a-f-]{36} \(enrolled as agent/);
    expect(statSync(join(stateDir, 'credentials.json')).mode & 0o777).toBe(0o600);

    const list = (await (await fetch(`${collector.url}/api/v1/devices`, { headers })).json()) as {
      items: { id: string; osName: string; cpuCores: number; memoryBytes: number; softwareCount: number }[];
    };
    expect(list.items).toHaveLength(1);
    const [summary] = list.items;
    expect(summary?.osName).toBeTruthy();
    expect(summary?.memoryBytes).toBeGreaterThan(0);
    expect(summary?.cpuCores).toBeGreaterThan(0);

    const device = (await (await fetch(`${collector.url}/api/v1/devices/${summary?.id}`, { headers })).json()) as {
      software: { name: string; version: string; arch?: string; source: string }[];
    };
    if (hasDpkg) {
      const fromCollector = device.software
        .filter((s) => s.source === 'dpkg')
        .map((s) => `${s.name}\t${s.version}\t${s.arch}`)
        .sort();
      expect(fromCollector).toEqual(dpkgInstalled());
      expect(summary?.softwareCount).toBe(device.software.length);
    }

    // A second run reuses the stored credentials and lands on the same device.
    const again = await runAgent(['once', '--server', collector.url, '--state-dir', stateDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`for device ${summary?.id}`);
    expect(again.stdout).not.toContain('enrolled');
  });

  it('says in one line when the enroll secret is wrong', async () => {
    const run = await runAgent([
      'once',
      '--server',
      collector.url,
      '--enroll-secret',
      'nope-nope',
      '--state-dir',
      join(dir.path, 's2'),
    ]);
    expect(run.code).toBe(77);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('Enroll secret is wrong or revoked (HTTP 403)'),
    ]);
  });
});

describe('agent against something that is not a collector', () => {
  let server: Server;
  let url: string;
  const dir = tempDir('stocktake-e2e-bad-');

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not Found</h1>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    dir.remove();
  });

  it('says the URL is not a Stocktake collector, in one line', async () => {
    const run = await runAgent(['once', '--server', url, '--enroll-secret', SECRET, '--state-dir', dir.path]);
    expect(run.code).toBe(69);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('is not a Stocktake collector')]);
  });

  it('says the collector is unreachable, in one line', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const run = await runAgent([
      'once',
      '--server',
      `http://127.0.0.1:${port}`,
      '--enroll-secret',
      SECRET,
      '--state-dir',
      dir.path,
    ]);
    expect(run.code).toBe(69);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/cannot reach collector at .*ECONNREFUSED/)]);
  });
});
