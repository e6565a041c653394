import { isProgramPath } from '../package-atime/parse.ts';

/**
 * Every installed file of every package, one a line, tab-separated: NAME and ARCH (repeated on
 * each of the package's lines by `=`), the file's mode as `ls -l` shows it, and its path.
 * Passed as argv (no shell); rpm expands the `\t` and `\n` escapes itself.
 */
export const RPM_FILES_FORMAT = '[%{=NAME}\\t%{=ARCH}\\t%{FILEMODES:perms}\\t%{FILENAMES}\\n]';

export const RPM_FILES_ARGS: readonly string[] = ['-qa', '--qf', RPM_FILES_FORMAT];

/** A package's programs as its file list names them. */
export interface RpmPrograms {
  name: string;
  /** Absent when rpm has none (`(none)`, as for gpg-pubkey). */
  arch?: string;
  programs: string[];
}

/**
 * Parses `rpm -qa --qf RPM_FILES_FORMAT`: the programs of each package, meaning regular files
 * with an execute bit where programs live (see isProgramPath; Fedora's shared libraries are
 * executable, so the bit alone says too much). Packages without programs are left out; lines
 * without all four fields (output cut off, a stray message) are skipped.
 */
export function parseRpmPrograms(text: string): RpmPrograms[] {
  const byPackage = new Map<string, RpmPrograms>();
  for (const raw of text.split('\n')) {
    const fields = (raw.endsWith('\r') ? raw.slice(0, -1) : raw).split('\t');
    if (fields.length !== 4) continue;
    const [name = '', arch = '', mode = '', file = ''] = fields;
    if (name === '' || name === '(none)' || !file.startsWith('/')) continue;
    if (!mode.startsWith('-') || !mode.includes('x') || !isProgramPath(file)) continue;
    const key = `${name}\t${arch}`;
    let pkg = byPackage.get(key);
    if (!pkg) {
      pkg = { name, ...(arch !== '' && arch !== '(none)' ? { arch } : {}), programs: [] };
      byPackage.set(key, pkg);
    }
    pkg.programs.push(file);
  }
  return [...byPackage.values()];
}
