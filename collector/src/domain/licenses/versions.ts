/**
 * Compares package versions the way most package managers agree on: an optional numeric epoch
 * (`1:`) first, then runs of digits compared as numbers and runs of other characters compared
 * as text, with `~` before anything (a pre-release: 1.0~rc1 < 1.0). Not any one manager's
 * exact rules, but the same answer for the versions a license range names (16.0.1, 2.39.5-0).
 */
export function compareVersions(a: string, b: string): number {
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

type Comparator = { op: '<' | '<=' | '>' | '>=' | '='; version: string } | { op: 'prefix'; prefix: string };

/** A version range: alternatives separated by `||`, each a space-separated list that must all hold. */
export type VersionRange = Comparator[][];

/**
 * Parses `>=16.0 <17`, `=2.39.5`, `16.*` (or `16.x`), `*`, and `||` between alternatives.
 * Undefined when the text is not a range.
 */
export function parseVersionRange(text: string): VersionRange | undefined {
  const alternatives = text.split('||').map((s) => s.trim());
  const out: VersionRange = [];
  for (const alt of alternatives) {
    if (alt === '') return undefined;
    const comparators: Comparator[] = [];
    for (const token of alt.split(/\s+/)) {
      if (token === '*' || token === 'x') continue;
      const m = /^(<=|>=|<|>|=)?(.+)$/.exec(token);
      const version = m?.[2];
      if (!m || !version || /[<>=]/.test(version)) return undefined;
      const wildcard = /^(.*?)[.-]?[*xX]$/.exec(version);
      if (wildcard && !m[1]) comparators.push({ op: 'prefix', prefix: wildcard[1] ?? '' });
      else if (/[*]/.test(version)) return undefined;
      else comparators.push({ op: (m[1] as Comparator['op']) ?? '=', version } as Comparator);
    }
    out.push(comparators);
  }
  return out;
}

export function inRange(version: string, range: VersionRange): boolean {
  return range.some((all) =>
    all.every((c) => {
      if (c.op === 'prefix') {
        return (
          c.prefix === '' ||
          version === c.prefix ||
          version.startsWith(`${c.prefix}.`) ||
          version.startsWith(`${c.prefix}-`)
        );
      }
      const d = compareVersions(version, c.version);
      switch (c.op) {
        case '<':
          return d < 0;
        case '<=':
          return d <= 0;
        case '>':
          return d > 0;
        case '>=':
          return d >= 0;
        default:
          return d === 0;
      }
    }),
  );
}
