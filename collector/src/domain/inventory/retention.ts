import type { SnapshotArchive } from './ports.ts';

/** Prunes every snapshot received before `cutoff` (each device's latest is kept), batch after batch. */
export async function pruneSnapshots(
  archive: Pick<SnapshotArchive, 'pruneBatch'>,
  cutoff: Date,
): Promise<{ snapshots: number; sections: number }> {
  const total = { snapshots: 0, sections: 0 };
  for (;;) {
    const step = await archive.pruneBatch(cutoff);
    total.snapshots += step.snapshots;
    total.sections += step.sections;
    if (!step.more) return total;
  }
}

/** Thins every device's history before `cutoff` to its changes and one snapshot a day, batch after batch. */
export async function thinSnapshots(
  archive: Pick<SnapshotArchive, 'thinBatch'>,
  cutoff: Date,
): Promise<{ snapshots: number }> {
  let snapshots = 0;
  let after: number | undefined;
  do {
    const step = await archive.thinBatch(cutoff, after);
    snapshots += step.snapshots;
    after = step.lastKey;
  } while (after !== undefined);
  return { snapshots };
}
