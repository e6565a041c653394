import type { WriteContext } from '../audit/ports.ts';
import { NotFoundError } from '../errors.ts';
import { exportAssetsCsv, type ImportOutcome, importAssetsCsv } from './asset-csv.ts';
import type { Asset } from './asset-model.ts';
import type { AssetPlan, StatusOptions } from './asset-plan.ts';
import type { AssetInput } from './asset-validate.ts';
import { assetWrite, auditOfRemoval, planAssetWrite, refuse } from './asset-writes.ts';
import type { ImportOptions } from './csv-import.ts';
import type { AssetDetail, AssetRegister } from './ports.ts';

/**
 * The asset register's use cases: every write is planned (validation, lifecycle, disposal,
 * locks), audited, and stored with its status event in one go.
 */
export function createRegisterService(assets: AssetRegister) {
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

    /** Changes an asset; a change of status is recorded as a status event (a disposal with its record). */
    async update(id: string, input: AssetInput, options: StatusOptions, ctx: WriteContext): Promise<Asset> {
      const existing = await assets.get(id);
      if (!existing) throw new NotFoundError(`No asset ${id}`);
      const { plan, problems } = await planAssetWrite(assets, existing, input, options);
      if (!plan) refuse(problems, 'The change is invalid');
      return applyPlan(plan, ctx);
    },

    /** Imports a Snipe-IT-format asset CSV, all or nothing (see `importAssetsCsv`). */
    importCsv: (text: string, options: ImportOptions & WriteContext): Promise<ImportOutcome> =>
      importAssetsCsv(assets, text, options),

    /** The register as Snipe-IT-format CSV. */
    exportCsv: (): Promise<string> => exportAssetsCsv(assets),

    /**
     * Removes an asset from the register. The audit entry keeps all of it, its status history
     * and disposal records included; devices linked to it are unlinked (audited) and matched again.
     */
    async remove(id: string, ctx: WriteContext): Promise<void> {
      const at = ctx.now ?? new Date();
      await assets.remove(id, (removed) => auditOfRemoval(removed, ctx, at));
    },
  };
}

export type RegisterService = ReturnType<typeof createRegisterService>;
