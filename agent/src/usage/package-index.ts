import path from 'node:path';
import type { SoftwareSource } from '@stocktake/shared/core';
import { DPKG_INFO_DIR } from '../collectors/package-atime/index.ts';
import { packageOfList, programPaths } from '../collectors/package-atime/parse.ts';
import type { CollectContext } from '../collectors/types.ts';

export interface PackageRef {
  source: SoftwareSource;
  name: string;
  arch?: string;
}

const STATUS = '/var/lib/dpkg/status';

/**
 * Which package each program file belongs to, built once from dpkg's file lists (programs
 * only: a few thousand paths on a desktop) and built again only when dpkg's status file
 * changes, so each sample costs a map lookup per process.
 */
export class PackageIndex {
  private byPath = new Map<string, PackageRef>();
  private builtFor: number | undefined;

  constructor(private readonly ctx: Pick<CollectContext, 'root' | 'listDir' | 'readFile' | 'mtime'>) {}

  /** Rebuilds the index when the package database changed since it was built; true if it did. */
  async refresh(): Promise<boolean> {
    const changed = (await this.ctx.mtime(path.join(this.ctx.root, STATUS)))?.getTime();
    if (changed === undefined || changed === this.builtFor) return false;
    const byPath = new Map<string, PackageRef>();
    const dir = path.join(this.ctx.root, DPKG_INFO_DIR);
    for (const file of await this.ctx.listDir(dir)) {
      const pkg = packageOfList(file);
      if (!pkg) continue;
      const text = await this.ctx.readFile(path.join(dir, file)).catch(() => '');
      for (const program of programPaths(text)) byPath.set(program, { source: 'dpkg', ...pkg });
    }
    this.byPath = byPath;
    this.builtFor = changed;
    return true;
  }

  get size(): number {
    return this.byPath.size;
  }

  /** The package a program path belongs to (as /proc shows it, without the host root). */
  packageOf(program: string): PackageRef | undefined {
    return this.byPath.get(program);
  }
}
