import { compareGenericVersions, type VersionOrder } from '../versions/order.ts';

/** The generic version order (see `compareGenericVersions`); a package's own order is `versionOrderOf(source)`. */
export const compareVersions: VersionOrder = compareGenericVersions;

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

/** Whether `version` is in the range, its bounds compared in `order` (the package source's own, when known). */
export function inRange(version: string, range: VersionRange, order: VersionOrder = compareGenericVersions): boolean {
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
      const d = order(version, c.version);
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
