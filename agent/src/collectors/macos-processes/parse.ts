import type { SoftwareItem } from '@stocktake/shared/core';
import type { RunningProgram } from '../../usage/process-source.ts';

/**
 * `ps -axww -o uid=,user=,comm=`: every process, one line each, no header (every column's
 * header is empty). macOS's ps prints the uid as a signed number right-aligned in five columns
 * (nobody is `-2`), then the user name left-aligned and padded to the longest one (at most 16,
 * longer names overflow), then `comm`, the last column, never cut when the output is not a
 * terminal (and `-ww` says so again). `comm` is the process's argv[0] alone, read with
 * KERN_PROCARGS2: no argument after it is ever printed. An app started by Launch Services (Finder,
 * Dock, `open`, login items) and a launchd job has its executable's full path there
 * (`/Applications/Numbers.app/Contents/MacOS/Numbers`); a program started from a shell has what
 * was typed (`vim`), and a process whose arguments cannot be read shows `(name)`. Those name no
 * file and are skipped. Characters ps cannot print are written in vis(3) form; ps runs in a UTF-8
 * locale so that accented names arrive as they are.
 */
export const PS_ARGS: readonly string[] = ['-axww', '-o', 'uid=,user=,comm='];

/** macOS gives people's accounts uids from 501; below are system accounts (`_spotlight`, root). */
export const FIRST_PERSON_UID = 501;

const LINE = /^ *(-?\d+) +(\S+) +(\/.*)$/;

/** The programs named by a full path, people's processes with their account. */
export function parsePs(text: string): RunningProgram[] {
  const out: RunningProgram[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = LINE.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) continue;
    const uid = Number(m[1]);
    // A user ps could not name is printed as the number; that names nobody.
    const user = uid >= FIRST_PERSON_UID && !/^\d+$/.test(m[2]) ? m[2] : undefined;
    out.push({ program: m[3].normalize('NFC'), ...(user ? { user } : {}) });
  }
  return out;
}

/**
 * The installed item a program's file lies in: the item whose install location (an application
 * bundle, a Homebrew keg or cask) holds the path, the deepest one when several do. A helper
 * nested in an application (`Google Chrome.app/.../Google Chrome Helper (Renderer).app/...`)
 * belongs to the application the inventory lists; the sealed OS's programs belong to none.
 */
export function installedItemOf(program: string, software: readonly SoftwareItem[]): SoftwareItem | undefined {
  let best: { item: SoftwareItem; length: number } | undefined;
  for (const item of software) {
    const location = item.installLocation?.normalize('NFC').replace(/\/+$/, '');
    if (!location?.startsWith('/') || !program.startsWith(`${location}/`)) continue;
    if (!best || location.length > best.length) best = { item, length: location.length };
  }
  return best?.item;
}
