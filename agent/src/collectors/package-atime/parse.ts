/**
 * Access times of packaged executables (pure parts). dpkg extracts a file and then renames it
 * into place, so right after install its atime is at most its ctime; the first run after that
 * moves atime past ctime (relatime updates an atime that is not newer than mtime or ctime, and
 * otherwise at most once a day). So "atime later than ctime" means "run since it was
 * installed", to the day. stat() never updates atime; reading the file (a backup, a virus scan,
 * `file`, a checksum run) does, which counts as use: the README says so.
 */

/** Directories whose files are programs people or services run. */
const PROGRAM_DIR = /\/(?:s?bin|libexec|games)\//;
/** A program in a package's own directory under /usr/lib (`/usr/lib/chromium/chromium`), not a library. */
const PRIVATE_PROGRAM = /^\/usr\/lib\/(?![^/]*-linux-gnu)[^/]+\/[^/.]+$/;

/**
 * The program paths of one dpkg file list (`/var/lib/dpkg/info/<pkg>[:<arch>].list`): one
 * absolute path a line, directories included (they are dropped: a directory is no program).
 * Only files under bin, sbin, libexec and games, a dotless file in a package's own directory
 * under /usr/lib, or anything under /opt outside share/, count; a library or a manual page is
 * read by others and says nothing of the package being used.
 */
export function programPaths(listText: string): string[] {
  const out: string[] = [];
  for (const raw of listText.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('/') || line.endsWith('/')) continue;
    if (isProgramPath(line)) out.push(line);
  }
  return out;
}

/** Whether a packaged file's path is where programs live (see programPaths); rpm's file lists use it too. */
export function isProgramPath(file: string): boolean {
  return (
    PROGRAM_DIR.test(file) || PRIVATE_PROGRAM.test(file) || (file.startsWith('/opt/') && !file.includes('/share/'))
  );
}

/** A dpkg file list's name as the package it belongs to: `foo.list` or `foo:amd64.list`. */
export function packageOfList(fileName: string): { name: string; arch?: string } | undefined {
  const m = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?\.list$/.exec(fileName);
  if (!m?.[1]) return undefined;
  return m[2] ? { name: m[1], arch: m[2] } : { name: m[1] };
}

export type AtimeMode = 'strictatime' | 'relatime' | 'noatime';

interface Mount {
  target: string;
  options: string[];
}

/** /proc/mounts (or /proc/self/mounts): device, target (octal escapes), type, options, ... */
export function parseMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 4 || !fields[1]?.startsWith('/')) continue;
    const target = fields[1].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
    mounts.push({ target, options: (fields[3] ?? '').split(',') });
  }
  return mounts;
}

/**
 * How the file system holding `path` keeps access times: the longest mount target that is a
 * prefix of it, its options read as the kernel does (relatime is the default since 2.6.30;
 * lazytime changes when atime is written to disk, not what stat shows).
 */
export function atimeModeOf(mounts: readonly Mount[], path: string): AtimeMode {
  let best: Mount | undefined;
  for (const m of mounts) {
    const prefix = m.target.endsWith('/') ? m.target : `${m.target}/`;
    if (
      (path === m.target || path.startsWith(prefix) || m.target === '/') &&
      (!best || m.target.length > best.target.length)
    ) {
      best = m;
    }
  }
  const options = best?.options ?? [];
  if (options.includes('noatime')) return 'noatime';
  if (options.includes('strictatime')) return 'strictatime';
  return 'relatime';
}

/** When the program was last run, by its times: undefined when never since it was installed. */
export function lastRunMs(times: { atimeMs: number; ctimeMs: number }): number | undefined {
  return times.atimeMs > times.ctimeMs ? times.atimeMs : undefined;
}
