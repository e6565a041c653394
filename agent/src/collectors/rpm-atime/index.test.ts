import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoftwareItem } from '@stocktake/shared/core';
import { afterAll, describe, expect, it } from 'vitest';
import { usageContext } from '../../usage/collect-usage.ts';
import { PackageIndex } from '../../usage/package-index.ts';
import { dayOf } from '../../usage/types.ts';
import { testContext } from '../test-context.ts';
import { rpmAtimeUsage } from './index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const software: SoftwareItem[] = [
  { name: 'stocktake-tools', version: '2.4.1-3', arch: 'x86_64', source: 'rpm' },
  { name: 'stocktake-hello', version: '1.0-1', arch: 'noarch', source: 'rpm' },
];

describe('rpm-atime', () => {
  it('maps the programs of rpm’s file lists to their packages by access time (captured rpm output)', async () => {
    const capture = readFileSync(fixture('rpm-4.18-two-packages.txt'), 'utf8');
    const installed = Date.parse('2025-03-01T10:00:00Z');
    const times: Record<string, { atimeMs: number; mtimeMs: number; ctimeMs: number }> = {
      '/usr/bin/stocktake-tool': { atimeMs: installed, mtimeMs: installed, ctimeMs: installed },
      '/usr/libexec/stocktake-tools/helper': {
        atimeMs: Date.parse('2026-11-30T08:00:00Z'),
        mtimeMs: installed,
        ctimeMs: installed,
      },
      '/usr/bin/stocktake-hello': { atimeMs: installed - 1, mtimeMs: installed, ctimeMs: installed },
    };
    const ctx = {
      ...usageContext(
        testContext({
          root: '/',
          exists: async (p) => p === '/var/lib/rpm/rpmdb.sqlite',
          readFile: async () => 'proc /proc proc rw,relatime 0 0\n/dev/sda1 / ext4 rw,relatime 0 0\n',
          run: async (cmd) => {
            if (cmd !== 'rpm') throw new Error(`unexpected ${cmd}`);
            return { stdout: capture, stderr: '', exitCode: 0 };
          },
        }),
        () => new Date('2026-12-07T12:00:00Z'),
      ),
      fileTimes: (p: string) => times[p],
    };
    expect(await rpmAtimeUsage.detect(ctx)).toBe(true);
    expect(await rpmAtimeUsage.collect(ctx, software)).toEqual({
      source: { via: 'atime', since: '2025-03-01', covers: ['rpm'] },
      entries: [{ source: 'rpm', name: 'stocktake-tools', arch: 'x86_64', lastUsed: '2026-11-30', via: 'atime' }],
    });
  });

  const hasRpm = spawnSync('rpm', ['--version']).status === 0;
  const root = mkdtempSync(path.join(tmpdir(), 'stocktake-rpm-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.skipIf(!hasRpm)('reads a real rpm database: the packages of tools.spec and hello.spec installed', async () => {
    const rpm = (...args: string[]) => ['--root', root, '--dbpath', '/var/lib/rpm', ...args];
    execFileSync('rpm', rpm('--initdb'));
    execFileSync(
      'rpm',
      rpm(
        '-i',
        '--nodeps',
        '--ignorearch',
        fixture('stocktake-tools-2.4.1-3.x86_64.rpm'),
        fixture('stocktake-hello-1.0-1.noarch.rpm'),
      ),
      { stdio: 'ignore' },
    );
    // The tool runs now: its access time moves past the rename that installed it.
    const tool = path.join(root, '/usr/bin/stocktake-tool');
    const ranAt = statSync(tool).ctimeMs + 60_000;
    utimesSync(tool, new Date(ranAt), statSync(tool).mtime);
    const ctx = usageContext(
      testContext({
        root,
        readFile: async () => '',
        // The real rpm, on the database under the test's root.
        run: async (cmd, args) => ({
          stdout: execFileSync(cmd, rpm(...args), { encoding: 'utf8' }),
          stderr: '',
          exitCode: 0,
        }),
      }),
    );
    expect(await rpmAtimeUsage.detect(ctx)).toBe(true);
    const found = await rpmAtimeUsage.collect(ctx, software);
    expect(found.entries).toEqual([
      { source: 'rpm', name: 'stocktake-tools', arch: 'x86_64', lastUsed: dayOf(ranAt), via: 'atime' },
    ]);
    // Process sampling maps a running program's path through the same file lists.
    const index = new PackageIndex(ctx);
    expect(await index.refresh()).toBe(true);
    expect(index.packageOf('/usr/bin/stocktake-hello')).toEqual({
      source: 'rpm',
      name: 'stocktake-hello',
      arch: 'noarch',
    });
    expect(index.packageOf('/usr/lib64/libstocktake.so.1')).toBeUndefined();
    expect(await index.refresh()).toBe(false);
  });
});
