/**
 * RPM's version order, as rpm compares `[epoch:]version[-release]` labels (its `rpm.vercmp`,
 * the order dnf and zypper install by):
 * - the epoch (absent: 0) first, then the version, then the release, a label without a release
 *   being older than the same version with one (`1.0` < `1.0-3`, as `3.0.7` < `3.0.7-27.el9`);
 * - each compared segment by segment (`compareRpmSegments`, rpm's `rpmvercmp`).
 */
export function compareRpmVersions(a: string, b: string): number {
  if (a === b) return 0;
  const x = parseRpmVersion(a);
  const y = parseRpmVersion(b);
  const byEpoch = compareRpmSegments(x.epoch, y.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = compareRpmSegments(x.version, y.version);
  if (byVersion !== 0) return byVersion;
  if (x.release === null || y.release === null) return x.release === y.release ? 0 : x.release === null ? -1 : 1;
  return compareRpmSegments(x.release, y.release);
}

export interface RpmVersion {
  epoch: string;
  version: string;
  release: string | null;
}

/**
 * Splits a label as rpm does: an epoch is the leading digits when a colon follows them (a bare
 * leading colon is epoch 0), and the release follows the last hyphen.
 */
export function parseRpmVersion(label: string): RpmVersion {
  const m = /^(\d*):/.exec(label);
  const epoch = m ? m[1] || '0' : '0';
  const rest = m ? label.slice(m[0].length) : label;
  const hyphen = rest.lastIndexOf('-');
  return hyphen < 0
    ? { epoch, version: rest, release: null }
    : { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isAlpha = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const TILDE = 126;
const CARET = 94;

/**
 * rpm's segment comparison. Characters other than ASCII letters, digits, `~` and `^` only
 * separate segments. A segment is a run of digits (compared as a number; a number beats
 * letters) or a run of letters (compared as text). `~` sorts before anything, the end of the
 * string included (1.0~rc1 < 1.0); `^` sorts after the end of the string but before anything
 * else (1.0 < 1.0^git1 < 1.0.1). Otherwise the label with segments left over is the newer.
 */
export function compareRpmSegments(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && isSeparator(a.charCodeAt(i))) i++;
    while (j < b.length && isSeparator(b.charCodeAt(j))) j++;
    const x = i < a.length ? a.charCodeAt(i) : undefined;
    const y = j < b.length ? b.charCodeAt(j) : undefined;
    if (x === TILDE || y === TILDE) {
      if (x !== TILDE) return 1;
      if (y !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (x === CARET || y === CARET) {
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      if (x !== CARET) return 1;
      if (y !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (x === undefined || y === undefined) break;
    const numeric = isDigit(x);
    const inSegment = numeric ? isDigit : isAlpha;
    const startA = i;
    const startB = j;
    while (i < a.length && inSegment(a.charCodeAt(i))) i++;
    while (j < b.length && inSegment(b.charCodeAt(j))) j++;
    // Segments of different kinds: a's is digits and b's letters (b's is empty), or the reverse.
    if (j === startB) return numeric ? 1 : -1;
    const d = numeric
      ? compareNumbers(a.slice(startA, i), b.slice(startB, j))
      : compareText(a.slice(startA, i), b.slice(startB, j));
    if (d !== 0) return d;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}

function isSeparator(code: number): boolean {
  return !isDigit(code) && !isAlpha(code) && code !== TILDE && code !== CARET;
}

/** Two runs of digits as numbers of any length: leading zeros dropped, the longer is larger. */
function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareText(x, y);
}

/** Byte order (the runs are ASCII), not the locale's. */
function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
