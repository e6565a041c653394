import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent, serviceChunkPath } from '../../scripts/build/bundle.ts';
import { PrivateCa } from '../../test/support/private-ca.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const platform = process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';

/** Packages whose code went into one output file of the bundle. */
function packagesIn(metafile: Metafile, outfile: string): Set<string> {
  const output = metafile.outputs[relative(ROOT, outfile)];
  if (!output) throw new Error(`no output ${outfile} in the metafile`);
  const pkgs = new Set<string>();
  for (const input of Object.keys(output.inputs)) {
    const pkg = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].at(-1)?.[1];
    if (pkg) pkgs.add(pkg);
  }
  return pkgs;
}

/** A loopback port that was free a moment ago and is closed now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the bundle split into main and service chunk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-chunk-'));
  const main = join(dir, `stocktake-agent-${platform}.cjs`);
  let metafile: Metafile;
  const run = (args: string[], code = 0) => {
    const result = spawnSync(process.execPath, [main, ...args], {
      encoding: 'utf8',
      env: { ...process.env, STOCKTAKE_LOG_LEVEL: 'silent', STOCKTAKE_STATE_DIR: join(dir, 'state') },
    });
    expect(result.status, result.stderr).toBe(code);
    return result.stdout;
  };

  beforeAll(async () => {
    metafile = await bundleAgent(ROOT, join('agent', 'src', 'main.ts'), main, platform);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps TypeBox, the websocket client, the scheduler and undici out of the main bundle', () => {
    const inMain = packagesIn(metafile, main);
    for (const pkg of ['typebox', 'ws', 'node-cron', 'undici']) expect(inMain.has(pkg), pkg).toBe(false);
    const inChunk = packagesIn(metafile, serviceChunkPath(main));
    for (const pkg of ['typebox', 'ws', 'node-cron', 'undici']) expect(inChunk.has(pkg), pkg).toBe(true);
  });

  it('sends through the HTTP transport from the chunk when `once` has a CA bundle', async () => {
    const ca = new PrivateCa(mkdtempSync(join(dir, 'ca-')));
    // A port nothing listens on any more: the transport is loaded, then the connection is refused.
    const port = await closedPort();
    const server = `https://127.0.0.1:${port}`;
    const result = spawnSync(
      process.execPath,
      [main, 'once', '--server', server, '--enroll-secret', 'secret', '--ca-file', ca.certPath],
      {
        encoding: 'utf8',
        env: { ...process.env, STOCKTAKE_LOG_LEVEL: 'silent', STOCKTAKE_STATE_DIR: join(dir, 'state-ca') },
      },
    );
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(result.stderr).not.toMatch(/Cannot find module|is not a function/);
    expect(result.status).not.toBe(0);
  });

  it('runs version from the main bundle', () => {
    expect(run(['version']).trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('loads run, status and service from the chunk beside it', () => {
    expect(run(['run', '--help'])).toContain('Usage: stocktake-agent run');
    expect(run(['service', '--help'])).toContain('Usage: stocktake-agent service');
    // Exit code 3: not running.
    const status = JSON.parse(run(['status', '--json'], 3)) as { running: boolean };
    expect(status.running).toBe(false);
  });
});
