import { ASSET_TRANSITIONS, type AssetStatus } from '@stocktake/shared/api';

/** Where an asset may go from each status: the shared vocabulary's table, which the console reads too. */
export const TRANSITIONS: Readonly<Record<AssetStatus, readonly AssetStatus[]>> = ASSET_TRANSITIONS;

/** Undefined when the move is allowed, else why not. */
export function transitionError(from: AssetStatus, to: AssetStatus): string | undefined {
  if (from === to || TRANSITIONS[from].includes(to)) return undefined;
  if (from === 'disposed') return 'disposed is final; only an administrator correction can change it';
  const allowed = TRANSITIONS[from];
  return `cannot go from ${from} to ${to} (from ${from}: ${allowed.join(', ')}; anything else needs a correction)`;
}
