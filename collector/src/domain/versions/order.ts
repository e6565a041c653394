import { compareDpkgVersions } from './dpkg.ts';
import { compareRpmVersions } from './rpm.ts';

/** A version order: negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export type VersionOrder = (a: string, b: string) => number;

/**
 * The order most package managers agree on, for versions no package manager of ours owns
 * (Windows registry and store apps, macOS bundles, OS versions and builds, the bounds of a
 * license range): an optional numeric epoch (`1:`), then runs of digits compared as numbers
 * and runs of other characters compared as text, with `~` before anything (1.0~rc1 < 1.0).
 */
export function compareGenericVersions(a: string, b: string): number {
  const [ea, ra] = splitEpoch(a);
  const [eb, rb] = splitEpoch(b);
  if (ea !== eb) return ea < eb ? -1 : 1;
  const pa = ra.match(/\d+|~|[^\d~]+/g) ?? [];
  const pb = rb.match(/\d+|~|[^\d~]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (x === undefined) return y === '~' ? 1 : -1;
    if (y === undefined) return x === '~' ? -1 : 1;
    if (x === '~') return -1;
    if (y === '~') return 1;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (nx !== ny) {
      return nx ? 1 : -1;
    } else {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function splitEpoch(v: string): [number, string] {
  const m = /^(\d+):(.*)$/.exec(v);
  return m ? [Number(m[1]), m[2] ?? ''] : [0, v];
}

/**
 * The order of a package's own manager, so that a version compares as that manager would
 * install over it: dpkg's for dpkg packages, rpm's for rpm packages, and the generic order for
 * every other source (their managers either have no documented order or order plain dotted
 * numbers, which the generic order already gets right).
 */
export function versionOrderOf(source: string | null | undefined): VersionOrder {
  switch (source) {
    case 'dpkg':
      return compareDpkgVersions;
    case 'rpm':
      return compareRpmVersions;
    default:
      return compareGenericVersions;
  }
}

/** `a` against `b` in the order of the package source both come from; -1, 0 or 1. */
export function compareVersionsOf(source: string | null | undefined, a: string, b: string): number {
  return Math.sign(versionOrderOf(source)(a, b));
}
