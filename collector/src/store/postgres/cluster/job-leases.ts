import { sql } from 'drizzle-orm';
import type { JobLeases } from '../../../domain/cluster/ports.ts';
import type { Db } from '../connection.ts';
import { jobLeases } from '../schema/index.ts';

/**
 * Ticks claimed in the job_leases row of each job. The upsert moves the row's tick forward only
 * when the claimed tick is later: of several instances claiming one tick at once, the row lock
 * lets the first through and the others find the tick already there, so exactly one runs it.
 */
export function createJobLeases(db: Db): JobLeases {
  return {
    async claimTick(job, tickAt, holder) {
      const claimed = await db
        .insert(jobLeases)
        .values({ job, tickAt, holder, claimedAt: new Date() })
        .onConflictDoUpdate({
          target: jobLeases.job,
          set: { tickAt, holder, claimedAt: sql`excluded.claimed_at` },
          setWhere: sql`${jobLeases.tickAt} < excluded.tick_at`,
        })
        .returning({ job: jobLeases.job });
      return claimed.length === 1;
    },
  };
}
