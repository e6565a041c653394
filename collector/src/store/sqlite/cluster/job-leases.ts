import { sql } from 'drizzle-orm';
import type { JobLeases } from '../../../domain/cluster/ports.ts';
import type { Db } from '../open-database.ts';
import { jobLeases } from '../schema/index.ts';

/**
 * Ticks claimed in the job_leases table. One process owns a SQLite file, so its claims always
 * win but for a tick it claimed already; the same statement as PostgreSQL's keeps both engines'
 * behaviour one.
 */
export function createJobLeases(db: Db): JobLeases {
  return {
    async claimTick(job, tickAt, holder) {
      const at = tickAt.toISOString();
      const claimed = db
        .insert(jobLeases)
        .values({ job, tickAt: at, holder, claimedAt: new Date().toISOString() })
        .onConflictDoUpdate({
          target: jobLeases.job,
          set: { tickAt: at, holder, claimedAt: sql`excluded.claimed_at` },
          setWhere: sql`${jobLeases.tickAt} < excluded.tick_at`,
        })
        .returning({ job: jobLeases.job })
        .all();
      return claimed.length === 1;
    },
  };
}
