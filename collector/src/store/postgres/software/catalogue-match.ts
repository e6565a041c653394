import type { SoftwareMatch } from '@stocktake/shared/api';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { globToLike, versionTest } from '../../common/list-paging.ts';
import type { Executor } from '../connection.ts';
import { like, likeLowered } from '../lists/filters.ts';
import { softwareCatalog } from '../schema/index.ts';

/** Conditions over `software_catalog` for a match's name and publisher globs and its source (not its versions). */
export function catalogueConditions(match: Omit<SoftwareMatch, 'version'>): SQL[] {
  const out: SQL[] = [];
  // The catalogue has a row per version and package (90,000 on a typical fleet): its name is matched through its lower-cased index.
  if (match.name !== undefined) out.push(likeLowered(softwareCatalog.name, globToLike(match.name)));
  if (match.publisher !== undefined) out.push(like(softwareCatalog.publisher, globToLike(match.publisher)));
  if (match.source !== undefined) out.push(eq(softwareCatalog.source, match.source));
  return out;
}

/** Catalogue ids as one bound array (any number of ids, one parameter), for `= any(...)`. */
export const idArray = (ids: readonly number[]): SQL => sql`${`{${ids.join(',')}}`}::int[]`;

/**
 * The catalogue ids, ascending, whose row meets `where` and whose version passes the match's
 * version parameters. PostgreSQL cannot call the collector's version order from SQL, so the
 * versions are tested here with the domain's own comparison (`versionTest`): SQL narrows the
 * catalogue by name, publisher and source first, and a filter and a rule never disagree on
 * which version is older. A version that is not a range is refused naming `version`.
 */
export async function matchingCatalogueIds(
  db: Executor,
  where: SQL | undefined,
  versions: Pick<SoftwareMatch, 'version' | 'versionLt' | 'versionLte' | 'versionGt' | 'versionGte'>,
): Promise<number[]> {
  const test = versionTest(versions);
  const rows = await db
    .select({ id: softwareCatalog.id, source: softwareCatalog.source, version: softwareCatalog.version })
    .from(softwareCatalog)
    .where(where)
    .orderBy(asc(softwareCatalog.id));
  return (test ? rows.filter((r) => test(r.source, r.version)) : rows).map((r) => r.id);
}

/** The catalogue ids a who-has match names (name, publisher, source, versions). */
export function resolveSoftwareMatch(db: Executor, match: SoftwareMatch): Promise<number[]> {
  return matchingCatalogueIds(db, and(...catalogueConditions(match)), match);
}
