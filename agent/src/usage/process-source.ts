import { statSync } from 'node:fs';
import path from 'node:path';
import type { SoftwareItem, SoftwareSource } from '@stocktake/shared/core';
import type { CollectContext } from '../collectors/types.ts';
import type { PackageIndex, PackageRef } from './package-index.ts';
import { isPersonUid, parsePasswd, processIds, programOfExeLink } from './proc-parse.ts';

/** One running program: the file it runs and, for a person's process, the person's account. */
export interface RunningProgram {
  program: string;
  user?: string;
}

/**
 * Where one OS's running programs come from, and which installed item each belongs to. Only
 * the program file and the process's owner are ever read: never arguments, environment,
 * windows or documents.
 */
export interface ProcessSource {
  /**
   * The software sources whose items this list can map programs to, so that an item of one never
   * seen running was not used (a program typed in a shell by a link's name maps to nothing).
   */
  covers: readonly SoftwareSource[];
  /** The programs running now (a program run by several processes of one user may repeat). */
  running(): Promise<RunningProgram[]>;
  /** The installed item a program belongs to, if any. */
  itemOf(program: string): PackageRef | undefined;
}

/**
 * Linux: `/proc/<pid>/exe` of every process, mapped to dpkg and rpm packages through their file
 * lists (the index is rebuilt when a package database changes, with /etc/passwd for names).
 */
export function procSource(options: {
  ctx: Pick<CollectContext, 'root' | 'listDir' | 'readLink' | 'readFile'>;
  index: PackageIndex;
  /** The owner of a process (its /proc directory's uid); tests give their own. */
  ownerOf?: (pid: number) => number | undefined;
}): ProcessSource {
  const { ctx, index } = options;
  const proc = path.join(ctx.root, '/proc');
  const ownerOf = options.ownerOf ?? procOwner(proc);
  let users = new Map<number, string>();
  return {
    // The package index maps dpkg's and rpm's programs; snaps, flatpaks and other packages run unmapped.
    covers: ['dpkg', 'rpm'],
    async running() {
      if (await index.refresh()) {
        users = parsePasswd(await ctx.readFile(path.join(ctx.root, '/etc/passwd')).catch(() => ''));
      }
      const out: RunningProgram[] = [];
      for (const pid of processIds(await ctx.listDir(proc))) {
        if (pid === process.pid) continue;
        const program = programOfExeLink(await ctx.readLink(path.join(proc, String(pid), 'exe')));
        // Only a program of a package is worth its owner's stat.
        if (!program || !index.packageOf(program)) continue;
        const uid = ownerOf(pid);
        const user = uid !== undefined && isPersonUid(uid) ? users.get(uid) : undefined;
        out.push({ program, ...(user ? { user } : {}) });
      }
      return out;
    },
    itemOf: (program) => index.packageOf(program),
  };
}

function procOwner(proc: string) {
  return (pid: number): number | undefined => {
    try {
      return statSync(path.join(proc, String(pid))).uid;
    } catch {
      return undefined;
    }
  };
}

/**
 * The installed items of the last inventory, for OSes whose programs are mapped to items by
 * where they were installed (Windows, macOS): each program's item is looked up once and kept
 * until the software list changes, so a sample costs a map lookup per program it saw before.
 */
export class InstalledSoftware {
  private items: readonly SoftwareItem[] = [];
  private readonly byProgram = new Map<string, PackageRef | null>();

  constructor(
    private readonly find: (program: string, software: readonly SoftwareItem[]) => SoftwareItem | undefined,
  ) {}

  /** The software section of the newest inventory. */
  use(software: readonly SoftwareItem[]): void {
    if (software === this.items) return;
    this.items = software;
    this.byProgram.clear();
  }

  get known(): boolean {
    return this.items.length > 0;
  }

  itemOf(program: string): PackageRef | undefined {
    let ref = this.byProgram.get(program);
    if (ref === undefined) {
      const item = this.find(program, this.items);
      ref = item
        ? { source: item.source, name: item.name, ...(item.arch !== undefined ? { arch: item.arch } : {}) }
        : null;
      this.byProgram.set(program, ref);
    }
    return ref ?? undefined;
  }
}
