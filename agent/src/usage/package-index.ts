import path from 'node:path';
import type { SoftwareSource } from '@stocktake/shared/core';
import { DPKG_INFO_DIR } from '../collectors/dpkg/index.ts';
import { packageOfList, programPaths } from '../collectors/package-atime/parse.ts';
import { rpmDatabaseFile } from '../collectors/rpm/index.ts';
import { rpmPrograms } from '../collectors/rpm-atime/index.ts';
import type { CollectContext } from '../collectors/types.ts';

export interface PackageRef {
  source: SoftwareSource;
  name: string;
  arch?: string;
}

const STATUS = '/var/lib/dpkg/status';

/**
 * Which package each program file belongs to, built once from the package databases' file lists
 * (dpkg's lists, rpm's through one `rpm -qa`; programs only: a few thousand paths on a desktop)
 * and built again only when dpkg's status file or the rpm database changes, so each sample
 * costs a map lookup per process.
 */
export class PackageIndex {
  private byPath = new Map<string, PackageRef>();
  private builtFor: string | undefined;

  constructor(
    private readonly ctx: Pick<
      CollectContext,
      'root' | 'listDir' | 'readFile' | 'mtime' | 'exists' | 'run' | 'timeoutMs' | 'log'
    >,
  ) {}

  /** Rebuilds the index when a package database changed since it was built; true if it did. */
  async refresh(): Promise<boolean> {
    const dpkg = (await this.ctx.mtime(path.join(this.ctx.root, STATUS)))?.getTime();
    const rpmFile = await rpmDatabaseFile(this.ctx);
    const rpm = rpmFile === undefined ? undefined : (await this.ctx.mtime(rpmFile))?.getTime();
    if (dpkg === undefined && rpm === undefined) return false;
    const version = `${dpkg ?? ''}/${rpm ?? ''}`;
    if (version === this.builtFor) return false;
    const byPath = new Map<string, PackageRef>();
    if (dpkg !== undefined) {
      const dir = path.join(this.ctx.root, DPKG_INFO_DIR);
      for (const file of await this.ctx.listDir(dir)) {
        const pkg = packageOfList(file);
        if (!pkg) continue;
        const text = await this.ctx.readFile(path.join(dir, file)).catch(() => '');
        for (const program of programPaths(text)) byPath.set(program, { source: 'dpkg', ...pkg });
      }
    }
    if (rpm !== undefined) {
      // rpm failing leaves dpkg's programs mapped; the index is built again when the database moves.
      const packages = await rpmPrograms(this.ctx).catch((err: unknown) => {
        this.ctx.log.warn({ err, source: 'rpm' }, 'rpm file lists unreadable; its programs are not sampled');
        return [];
      });
      for (const { programs, ...pkg } of packages) {
        for (const program of programs) byPath.set(program, { source: 'rpm', ...pkg });
      }
    }
    this.byPath = byPath;
    this.builtFor = version;
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
