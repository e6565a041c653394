import type { AssetStatus } from '@stocktake/shared/api';
import type { FieldProblem } from '../errors.ts';
import {
  type Asset,
  type AssetFields,
  DISCOVERABLE_FIELDS,
  diffFields,
  type FieldChange,
  fieldsOf,
  isDiscoverable,
} from './asset-model.ts';
import {
  type AssetInput,
  type DisposalInput,
  mergeAsset,
  normalizeAssetInput,
  normalizeDisposal,
} from './asset-validate.ts';
import { transitionError } from './lifecycle.ts';

export interface StatusOptions {
  /** Why the status changes, kept with the status event. */
  note?: string;
  /** An administrator's correction: allows any move, including out of disposed. */
  correction?: { reason: string };
  /** Required when the status becomes disposed. */
  disposal?: DisposalInput;
  /** Discoverable fields to hand back to discovery. */
  unlock?: string[];
  /** Dispose of the asset although a device linked to it reported recently (a person confirmed it). */
  force?: boolean;
}

export interface StatusChange {
  from: AssetStatus | null;
  to: AssetStatus;
  note?: string;
  correction: boolean;
  disposal?: DisposalInput;
}

/** What writing a request would do to one asset, computed without writing anything. */
export interface AssetPlan {
  kind: 'create' | 'update' | 'unchanged';
  before?: Asset;
  next: AssetFields;
  changes: FieldChange[];
  lockedBefore: string[];
  lockedAfter: string[];
  status?: StatusChange;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/**
 * Plans a create (no `existing`) or an update: validates the fields, merges them, checks the
 * lifecycle move and the disposal record, and works out which fields become locked against
 * discovery (the discoverable ones a person set). With problems there is no plan.
 */
export function planAsset(
  existing: Asset | undefined,
  input: AssetInput,
  options: StatusOptions = {},
  now: Date = new Date(),
): { plan?: AssetPlan; problems: FieldProblem[] } {
  const { patch, problems } = normalizeAssetInput(input);
  const merged = mergeAsset(existing ? fieldsOf(existing) : undefined, patch);
  problems.push(...merged.problems);
  const next = merged.next;
  const changes = existing ? diffFields(fieldsOf(existing), next) : [];

  const from = existing?.status ?? null;
  const moves = from !== next.status;
  let status: StatusChange | undefined;
  const { disposal, problems: disposalProblems } = normalizeDisposal(options.disposal, now);
  problems.push(...disposalProblems);
  if (moves) {
    if (from !== null && !options.correction) {
      const why = transitionError(from, next.status);
      if (why) problems.push({ field: 'status', message: why });
    }
    if (next.status === 'disposed' && !options.disposal) {
      problems.push({
        field: 'disposal',
        message: 'is required when the status becomes disposed (method, certificateRef, vendor, date)',
      });
    }
    const note = options.correction?.reason ?? options.note;
    status = {
      from,
      to: next.status,
      correction: Boolean(options.correction && from !== null),
      ...(note ? { note } : {}),
      ...(disposal && next.status === 'disposed' ? { disposal } : {}),
    };
  }
  if (options.disposal && (!moves || next.status !== 'disposed')) {
    problems.push({ field: 'disposal', message: 'only goes with a change of status to disposed' });
  }
  if (options.correction) {
    const reason = options.correction.reason?.trim() ?? '';
    if (!moves) problems.push({ field: 'correction', message: 'only goes with a change of status' });
    if (reason === '' || reason.length > 1024) {
      problems.push({ field: 'correction/reason', message: 'is required (1 to 1024 characters)' });
    }
  }

  const lockedBefore = existing?.lockedFields ?? [];
  const locked = new Set(lockedBefore);
  const setByHand = existing
    ? changes.map((c) => c.field).filter(isDiscoverable)
    : DISCOVERABLE_FIELDS.filter((f) => !isEmpty(next[f]));
  for (const f of setByHand) locked.add(f);
  for (const f of options.unlock ?? []) {
    if (!isDiscoverable(f)) {
      problems.push({
        field: 'unlockFields',
        message: `${f} is not a field discovery fills (${DISCOVERABLE_FIELDS.join(', ')})`,
      });
    } else if ((setByHand as string[]).includes(f)) {
      problems.push({ field: 'unlockFields', message: `${f} is set by this request, so it cannot be unlocked by it` });
    } else locked.delete(f);
  }
  const lockedAfter = DISCOVERABLE_FIELDS.filter((f) => locked.has(f));

  if (problems.length > 0) return { problems };
  const locksChanged = lockedAfter.length !== lockedBefore.length || lockedAfter.some((f, i) => f !== lockedBefore[i]);
  const kind = !existing ? 'create' : changes.length > 0 || locksChanged ? 'update' : 'unchanged';
  return {
    plan: {
      kind,
      ...(existing ? { before: existing } : {}),
      next,
      changes,
      lockedBefore,
      lockedAfter,
      ...(status ? { status } : {}),
    },
    problems,
  };
}
