import type { AssetStatus } from '@stocktake/shared/api';

/**
 * Where an asset may go from each status. The lifecycle runs planned → ordered → in stock →
 * deployed ⇄ in repair → retired → disposed, with lost and stolen reachable from anywhere an
 * asset physically exists and left again when it turns up. Disposal only follows retirement
 * (sanitise and certify what was taken out of service) and is final: leaving it, or any other
 * move not listed here, takes an explicit administrator correction with a reason.
 */
export const TRANSITIONS: Readonly<Record<AssetStatus, readonly AssetStatus[]>> = {
  planned: ['ordered', 'in_stock'],
  ordered: ['planned', 'in_stock', 'deployed', 'lost'],
  in_stock: ['deployed', 'in_repair', 'retired', 'lost', 'stolen'],
  deployed: ['in_stock', 'in_repair', 'retired', 'lost', 'stolen'],
  in_repair: ['deployed', 'in_stock', 'retired', 'lost', 'stolen'],
  retired: ['disposed', 'in_stock', 'lost', 'stolen'],
  lost: ['in_stock', 'deployed', 'in_repair', 'retired', 'stolen'],
  stolen: ['in_stock', 'deployed', 'in_repair', 'retired', 'lost'],
  disposed: [],
};

/** Undefined when the move is allowed, else why not. */
export function transitionError(from: AssetStatus, to: AssetStatus): string | undefined {
  if (from === to || TRANSITIONS[from].includes(to)) return undefined;
  if (from === 'disposed') return 'disposed is final; only an administrator correction can change it';
  const allowed = TRANSITIONS[from];
  return `cannot go from ${from} to ${to} (from ${from}: ${allowed.join(', ')}; anything else needs a correction)`;
}
