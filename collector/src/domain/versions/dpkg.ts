/**
 * Debian's version order (Debian Policy §5.6.12, "Version"), as `dpkg --compare-versions` applies
 * it to `[epoch:]upstream_version[-debian_revision]`:
 * - the epoch, an unsigned integer, is compared first (absent: 0);
 * - then the upstream version, then the revision (absent: "", which orders as "0"), each by
 *   alternating runs: a run of non-digits compared character by character in a modified ASCII
 *   order (`~` before everything, even the end of the run; then the end; then letters; then
 *   every other character), then a run of digits compared as a number (absent: 0).
 */
export function compareDpkgVersions(a: string, b: string): number {
  if (a === b) return 0;
  const x = parseDpkgVersion(a);
  const y = parseDpkgVersion(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return Math.sign(compareRuns(x.upstream, y.upstream)) || Math.sign(compareRuns(x.revision, y.revision));
}

export interface DpkgVersion {
  epoch: bigint;
  upstream: string;
  revision: string;
}

/**
 * Splits a version the way dpkg does: the epoch ends at the first colon, the revision starts
 * after the last hyphen. A text before the colon that is not a number is no epoch (dpkg refuses
 * such a version; here it orders as part of the upstream version rather than failing).
 */
export function parseDpkgVersion(version: string): DpkgVersion {
  let rest = version.trim();
  let epoch = 0n;
  const colon = rest.indexOf(':');
  if (colon >= 0 && /^\d+$/.test(rest.slice(0, colon))) {
    epoch = BigInt(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  return hyphen < 0
    ? { epoch, upstream: rest, revision: '' }
    : { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/**
 * Where a character of a non-digit run sorts: `~` lowest, then the end of the run (a digit, or
 * the end of the string, both 0), letters by their code, and anything else after every letter.
 */
function weight(s: string, i: number): number {
  if (i >= s.length) return 0;
  const code = s.charCodeAt(i);
  if (isDigit(code)) return 0;
  if (isLetter(code)) return code;
  if (code === 126) return -1;
  return code + 256;
}

/** One part (upstream version or revision): non-digit run, digit run, and again, to the end of both. */
function compareRuns(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const d = weight(a, i) - weight(b, j);
      if (d !== 0) return d;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let firstDifference = 0;
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDifference === 0) firstDifference = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    // The longer number (leading zeros gone) is the larger; of two as long, the first digit that differs decides.
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDifference !== 0) return firstDifference;
  }
  return 0;
}
