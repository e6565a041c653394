/**
 * Prefetch (`C:\Windows\Prefetch`): Windows writes `<PROGRAM.EXE>-<8 hex digits>.pf` when a
 * program starts (the digits hash its path), so a file's last write is the program's last run,
 * to the second. It keeps up to 1,024 files on Windows 10 and 11 and is off on some servers and
 * SSD-tuned images. No user is recorded. The file name gives the program's name, not its folder.
 */

/** The program a Prefetch file name is about (upper-cased as Windows writes it), or undefined. */
export function prefetchProgram(fileName: string): string | undefined {
  const m = /^(.+\.(?:EXE|COM|SCR))-[0-9A-F]{8}\.pf$/i.exec(fileName);
  return m?.[1]?.toUpperCase();
}
