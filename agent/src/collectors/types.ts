import type { Hardware, Os, PatchState, SectionName, SoftwareItem, Users } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import type { RunCommand } from '../runner/run-command.ts';

/** What each section's collectors produce before they are merged into the section. */
export interface SectionData {
  hardware: Hardware;
  os: Os;
  software: SoftwareItem[];
  patches: PatchState;
  users: Users;
}

/**
 * Everything a collector may touch of the outside world. Tests hand in a fixture root
 * and a fake `run` to feed parsers captured output.
 */
export interface CollectContext {
  /** Prefix for absolute paths read from disk (`/` in production, a fixture tree in tests). */
  root: string;
  run: RunCommand;
  readFile(path: string): Promise<string>;
  /** Raw bytes (SMBIOS tables, EDID blobs). */
  readBytes(path: string): Promise<Buffer>;
  /** Target of a symbolic link, or undefined when the path is not one. */
  readLink(path: string): Promise<string | undefined>;
  /** Entry names of a directory, sorted; empty when it does not exist. */
  listDir(path: string): Promise<string[]>;
  /** mtime of a path, or undefined if it does not exist. */
  mtime(path: string): Promise<Date | undefined>;
  exists(path: string): Promise<boolean>;
  platform: NodeJS.Platform;
  log: Logger;
  /** Where collectors may cache answers that depend only on files (absent: no caching). */
  cacheDir?: string;
  /** Per-collector time budget. */
  timeoutMs: number;
}

/** Software collectors give whole item lists; record sections may give only the fields they know. */
export type CollectorOutput<S extends SectionName> = S extends 'software' ? SoftwareItem[] : Partial<SectionData[S]>;

export interface Collector<S extends SectionName = SectionName> {
  /** Short, stable id used in logs and section reasons (`dpkg`, `rpm`, `apt-updates`). */
  name: string;
  section: S;
  platforms: readonly NodeJS.Platform[];
  /** Time budget when this source is known to be slower than the default (a full softwareupdate scan). */
  timeoutMs?: number;
  /** Whether the source exists on this machine; an absent source is skipped, not failed. */
  detect(ctx: CollectContext): Promise<boolean>;
  collect(ctx: CollectContext): Promise<CollectorOutput<S>>;
}
