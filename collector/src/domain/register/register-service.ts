import type { AssetStatus } from '@stocktake/shared/api';
import type { WriteContext } from '../audit/ports.ts';
import type { CsvInput } from '../csv/decode.ts';
import type { LegacyCharsets } from '../csv/ports.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { type AssetFileReader, exportAssetsCsv, type ImportOutcome, importAssetsCsv } from './asset-csv.ts';
import type { Asset } from './asset-model.ts';
import type { AssetPlan, StatusOptions } from './asset-plan.ts';
import type { AssetInput } from './asset-validate.ts';
import { assetWrite, auditOfRemoval, planAssetWrite, refuse } from './asset-writes.ts';
import type { ImportOptions } from './csv-import.ts';
import type { AssetDetail, AssetRegister, RemovedAsset } from './ports.ts';
import { mergeStatusMaps, parseStatusMap } from './snipeit-columns.ts';

/** What the register reads of the policy. */
export interface RegisterPolicy {
  /** Disposing of an asset a linked device reported within this many days needs `force`; 0 never asks. */
  disposalRecentContactDays(): Promise<number>;
  /** Status labels of another system every asset import reads (label → status). */
  importStatusMap?(): Promise<Record<string, AssetStatus>>;
  /** Keeps these labels in the policy, over the ones it holds (audited as a policy change). */
  saveImportStatusMap?(mapping: Record<string, AssetStatus>, ctx: WriteContext): Promise<void>;
}

/** What the CSV reader needs besides the file: decoders for files that are not UTF-8. */
export interface RegisterCsv {
  charsets?: LegacyCharsets;
  /** Reads an import's file (default: in this thread, readAssetFile). */
  read?: AssetFileReader;
}

/** An asset import's options: those of every import, and the status labels to read. */
export type AssetImportRequest = ImportOptions &
  WriteContext & {
    /** `Label=status,...`, over the policy's importStatusMap. */
    statusMap?: string;
    /** Keep `statusMap` in the policy once the import has written (not on a dry run). */
    saveStatusMap?: boolean;
  };

/** The policy's default, for a register built without one. */
export const DEFAULT_DISPOSAL_RECENT_CONTACT_DAYS = 14;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A disposed asset, or one that ever was (its disposal record corrected away since), keeps its
 * disposal record: that is the evidence of how its data was destroyed, so it is never removed.
 */
function refuseRemovalOfEvidence({ asset, statusEvents }: RemovedAsset): void {
  if (asset.status !== 'disposed' && !statusEvents.some((e) => e.disposal !== null)) return;
  throw new ConflictError(
    `Asset ${asset.assetTag} holds a disposal record, which the register keeps: it cannot be deleted, only corrected (a change with a correction reason, audited)`,
    'status',
  );
}

/**
 * Refuses to dispose of an asset whose linked device reported within the policy's days unless
 * the person confirmed it (`force`): a machine still reporting is still in someone's hands.
 */
async function confirmNoRecentContact(assets: AssetRegister, id: string, days: number, now: Date): Promise<void> {
  if (days <= 0) return;
  const detail = await assets.detail(id);
  const since = now.getTime() - days * DAY_MS;
  const recent = (detail?.devices ?? []).filter((d) => Date.parse(d.lastSeenAt) >= since);
  if (recent.length === 0) return;
  const which = recent.map((d) => `${d.hostname} (last reported ${d.lastSeenAt})`).join(', ');
  throw new ConflictError(
    `Asset ${detail?.assetTag ?? id} has a device that reported within ${days} days: ${which}. Dispose of it anyway with force`,
    'force',
  );
}

/**
 * The asset register's use cases: every write is planned (validation, lifecycle, disposal,
 * locks), audited, and stored with its status event in one go.
 */
export function createRegisterService(
  assets: AssetRegister,
  policy: RegisterPolicy = { disposalRecentContactDays: async () => DEFAULT_DISPOSAL_RECENT_CONTACT_DAYS },
  csv: RegisterCsv = {},
) {
  async function applyPlan(p: AssetPlan, ctx: WriteContext): Promise<Asset> {
    const write = assetWrite(p, ctx);
    if (!write) return p.before as Asset;
    const [stored] = await assets.write([write]);
    if (!stored) throw new Error(`asset ${write.id} was not stored`);
    return stored;
  }

  return {
    get: (id: string): Promise<Asset | undefined> => assets.get(id),

    detail: (id: string): Promise<AssetDetail | undefined> => assets.detail(id),

    async create(input: AssetInput, options: StatusOptions, ctx: WriteContext): Promise<Asset> {
      const { plan, problems } = await planAssetWrite(assets, undefined, input, options);
      if (!plan) refuse(problems, 'The asset is invalid');
      return applyPlan(plan, ctx);
    },

    /**
     * Changes an asset; a change of status is recorded as a status event (a disposal with its
     * record). Disposing of an asset a linked device reported to recently takes `force`.
     */
    async update(id: string, input: AssetInput, options: StatusOptions, ctx: WriteContext): Promise<Asset> {
      const existing = await assets.get(id);
      if (!existing) throw new NotFoundError(`No asset ${id}`);
      const now = ctx.now ?? new Date();
      const { plan, problems } = await planAssetWrite(assets, existing, input, options, now);
      if (!plan) refuse(problems, 'The change is invalid');
      if (plan.status?.to === 'disposed' && !options.force) {
        await confirmNoRecentContact(assets, id, await policy.disposalRecentContactDays(), now);
      }
      return applyPlan(plan, ctx);
    },

    /**
     * Imports a Snipe-IT-format asset CSV, all or nothing (see `importAssetsCsv`), reading status
     * labels through the policy's mapping with the request's over it; with `saveStatusMap`, the
     * request's mapping is kept in the policy once the import has written.
     */
    async importCsv(input: CsvInput, request: AssetImportRequest): Promise<ImportOutcome> {
      const { saveStatusMap, ...options } = request;
      const savedStatusMap = (await policy.importStatusMap?.()) ?? {};
      const outcome = await importAssetsCsv(assets, input, {
        ...options,
        savedStatusMap,
        ...(csv.charsets ? { charsets: csv.charsets } : {}),
        ...(csv.read ? { read: csv.read } : {}),
      });
      if (saveStatusMap && !options.dryRun && options.statusMap && policy.saveImportStatusMap) {
        const { entries } = parseStatusMap(options.statusMap);
        await policy.saveImportStatusMap(mergeStatusMaps(savedStatusMap, entries), options);
      }
      return outcome;
    },

    /** The register as Snipe-IT-format CSV. */
    exportCsv: (): Promise<string> => exportAssetsCsv(assets),

    /**
     * Removes an asset from the register. The audit entry keeps all of it, its status history
     * included; devices linked to it are unlinked (audited) and matched again. An asset with a
     * disposal record is refused (ConflictError), decided inside the removal so that a disposal
     * landing meanwhile cannot slip through.
     */
    async remove(id: string, ctx: WriteContext): Promise<void> {
      const at = ctx.now ?? new Date();
      await assets.remove(id, (removed) => {
        refuseRemovalOfEvidence(removed);
        return auditOfRemoval(removed, ctx, at);
      });
    },
  };
}

export type RegisterService = ReturnType<typeof createRegisterService>;
