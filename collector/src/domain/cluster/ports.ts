/**
 * Work that runs once across every collector instance on one database. Each instance schedules
 * the cluster-wide jobs (reconciliation, retention and thinning) on the same clock; before a
 * tick's work, it claims the tick, and only the claim that wins runs it.
 */
export interface JobLeases {
  /**
   * Claims `job`'s tick at `tickAt` (the time the tick was scheduled for, the same on every
   * instance) for `holder`. True for the one claim that moves the job's latest tick forward;
   * false for every other claim of that tick, and for a tick at or before one already claimed.
   */
  claimTick(job: string, tickAt: Date, holder: string): Promise<boolean>;
}
