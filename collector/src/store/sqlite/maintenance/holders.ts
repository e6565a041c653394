import { readdir, readFile, readlink } from 'node:fs/promises';

export interface HoldingProcess {
  pid: number;
  command: string;
}

/**
 * The processes that have one of these files open, found through /proc (Linux). A process of
 * another user is visible only to root, so an unprivileged caller may see fewer than there are.
 * Elsewhere, or without /proc, the list is empty.
 */
export async function processesHolding(files: readonly string[]): Promise<HoldingProcess[]> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const wanted = new Set(files);
  const holders: HoldingProcess[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    let holds = false;
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (wanted.has(target)) {
        holds = true;
        break;
      }
    }
    if (!holds) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    holders.push({ pid: Number(pid), command: cmdline.split('\0').filter(Boolean).join(' ') });
  }
  return holders;
}
