import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent, tempDir } from '../support/processes.ts';
import { firstSlice } from './scenarios/first-slice.ts';

const SECRET = 'e2e-enroll-secret';

firstSlice({ engine: 'sqlite', database: async (dir) => join(dir, 'stocktake.db') });

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
