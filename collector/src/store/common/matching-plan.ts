import type { LinkMethod } from '@stocktake/shared/api';
import type { AuditEntry } from '../../domain/audit/ports.ts';
import { DISCOVERY_ACTOR, decideMatch, discoveredFill } from '../../domain/matching/decide.ts';
import type { DeviceFacts, DeviceLink } from '../../domain/matching/lookups.ts';
import { type AssetColumns, columnsFor } from './asset-rows.ts';
import type { MatchingReads } from './matching-index.ts';

export interface MatchResult {
  assetId: string | null;
  method: LinkMethod | null;
  changed: boolean;
}

/** A device's link written (or dropped, `next` undefined), with its audit entry. */
export interface LinkStep {
  kind: 'link';
  deviceKey: number;
  next: { assetId: string | null; method: LinkMethod } | undefined;
  actor: string;
  at: Date;
  audit: AuditEntry;
}

/** Register fields discovery fills on an asset (MACs replaced when `macs` is given), with its audit entry. */
export interface FillStep {
  kind: 'fill';
  assetId: string;
  /** The columns set, with their matching keys; empty when only the MACs change. */
  columns: AssetColumns;
  macs: string[] | undefined;
  at: Date;
  audit: AuditEntry;
}

/** One write matching makes: an engine applies them in the order they come. */
export type MatchStep = LinkStep | FillStep;

/**
 * The matcher's writes, on the decisions of domain/matching/decide.ts over the lookups given:
 * each write is handed to `apply` as it is decided, which an engine writes at once or gathers
 * to write together. The lookups are told of every asset filled, so later decisions see it.
 */
export function planMatching(look: MatchingReads, apply: (step: MatchStep) => void) {
  /** Fills the register fields discovery may fill, and says so in the audit log. */
  function fillAsset(assetId: string, device: DeviceFacts, method: LinkMethod, now: Date): void {
    const asset = look.asset(assetId);
    if (!asset) return;
    const fill = discoveredFill(asset, device, look);
    if (!fill) return;
    const { before, after } = fill;
    const { macs: newMacs, ...fields } = after;
    const columns = columnsFor(fields);
    const macs = Array.isArray(newMacs) ? (newMacs as string[]) : undefined;
    apply({
      kind: 'fill',
      assetId,
      columns,
      macs,
      at: now,
      audit: {
        at: now,
        actor: DISCOVERY_ACTOR,
        entityType: 'asset',
        entityId: assetId,
        action: 'update',
        before,
        after,
        context: `device ${device.id} (matched by ${method})`,
      },
    });
    look.assetUpdated(assetId, columns, macs);
  }

  function writeLink(
    device: DeviceFacts,
    previous: DeviceLink | undefined,
    next: { assetId: string | null; method: LinkMethod } | undefined,
    actor: string,
    now: Date,
    context: string,
  ): void {
    apply({
      kind: 'link',
      deviceKey: device.key,
      next,
      actor,
      at: now,
      audit: {
        at: now,
        actor,
        entityType: 'device_link',
        entityId: device.id,
        action: next?.assetId ? 'link' : 'unlink',
        before: previous ? { assetId: previous.assetId, method: previous.method } : null,
        after: next ? { assetId: next.assetId, method: next.method } : null,
        context,
      },
    });
  }

  /** Matches one device; the caller holds the transaction. */
  function matchOne(deviceKey: number, now: Date): MatchResult {
    const device = look.device(deviceKey);
    if (!device) return { assetId: null, method: null, changed: false };
    const current = look.link(deviceKey);
    const decision = decideMatch(device, current, look);
    if (decision.manual) {
      if (decision.assetId) fillAsset(decision.assetId, device, 'manual', now);
      return { assetId: decision.assetId, method: 'manual', changed: false };
    }
    const { found, relink } = decision;
    if (relink) writeLink(device, current, found, DISCOVERY_ACTOR, now, 'discovery');
    if (found) fillAsset(found.assetId, device, found.method, now);
    return { assetId: found?.assetId ?? null, method: found?.method ?? null, changed: relink };
  }

  return { fillAsset, writeLink, matchOne };
}
