/**
 * Spotlight's last-used date of application bundles: `mdls -raw -name kMDItemLastUsedDate
 * <bundle> <bundle> ...` prints one value per path given, in order, each ended by a NUL (the
 * last one may lack it), as `2026-09-20 16:20:00 +0000` (UTC), or `(null)` when the bundle was
 * never opened through Launch Services since Spotlight indexed it. LaunchServices sets it when a
 * person opens the app (Finder, Dock, `open`), not when a process runs the binary directly.
 * No user is recorded: the date is the bundle's, whoever opened it.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** One mdls date as epoch ms, or undefined for `(null)` and anything else. */
export function mdlsDateMs(value: string): number | undefined {
  const m = DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(local)) return undefined;
  const offset = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '-' ? -1 : 1);
  return local - offset;
}

/**
 * The raw output for `paths`, as path → last use (ms). A value count other than the path count
 * means the output cannot be lined up with the paths: nothing is read from it.
 */
export function parseMdlsRaw(output: string, paths: readonly string[]): Map<string, number> {
  const values = output.split('\0');
  if (values.at(-1) === '' || values.at(-1) === '\n') values.pop();
  const out = new Map<string, number>();
  if (values.length !== paths.length) return out;
  values.forEach((value, i) => {
    const ms = mdlsDateMs(value);
    const path = paths[i];
    if (ms !== undefined && path !== undefined) out.set(path, ms);
  });
  return out;
}
