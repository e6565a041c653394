import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Disk } from '@stocktake/shared/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandError, type RunCommand } from '../../runner/run-command.ts';
import { testContext } from '../test-context.ts';
import { diskWear } from './index.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

const DISKS: Disk[] = [
  { name: 'nvme0n1', type: 'NVMe', interface: 'NVMe' },
  { name: 'sda', type: 'SSD', interface: 'SATA' },
  { name: 'sdb', type: 'HDD', interface: 'SATA' },
  { name: 'mmcblk0', interface: 'MMC' },
];

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'stocktake-disk-wear-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('diskWear', () => {
  it('asks smartctl about solid-state disks only and reads an eMMC from sysfs', async () => {
    const asked: string[] = [];
    const run: RunCommand = async (cmd, args) => {
      asked.push([cmd, ...args].join(' '));
      const device = args.at(-1);
      if (device === '/dev/nvme0n1')
        return { stdout: fixture('samsung-970-evo-plus-nvme-smartctl-7.3.json'), stderr: '', exitCode: 0 };
      return { stdout: fixture('open-denied-smartctl-7.3.json'), stderr: '', exitCode: 2 };
    };
    const ctx = testContext({
      root: tree({ '/usr/sbin/smartctl': '', '/sys/block/mmcblk0/device/life_time': '0x01 0x02\n' }),
      run,
    });
    expect(Object.fromEntries(await diskWear(ctx, DISKS))).toEqual({ nvme0n1: 23, mmcblk0: 20 });
    expect(asked).toEqual(['/usr/sbin/smartctl --json -a /dev/nvme0n1', '/usr/sbin/smartctl --json -a /dev/sda']);
  });

  it('leaves wear absent without smartmontools, and when smartctl fails to run', async () => {
    let runs = 0;
    const ctx = testContext({
      root: tree({ '/sys/block/sdb/size': '1\n' }),
      run: async () => {
        runs++;
        throw new CommandError('smartctl not found', 'smartctl', 'not-found');
      },
    });
    expect((await diskWear(ctx, DISKS)).size).toBe(0);
    expect(runs).toBe(0);

    const failing = testContext({
      root: tree({ '/usr/sbin/smartctl': '' }),
      run: async () => {
        throw new CommandError('smartctl timed out', 'smartctl', 'timeout');
      },
    });
    expect((await diskWear(failing, DISKS)).size).toBe(0);
  });
});
