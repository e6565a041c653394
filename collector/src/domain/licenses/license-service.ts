import type { WriteContext } from '../audit/ports.ts';
import type { CsvInput } from '../csv/decode.ts';
import type { LegacyCharsets } from '../csv/ports.ts';
import { NotFoundError } from '../errors.ts';
import { refuse } from '../register/asset-writes.ts';
import type { ImportOptions } from '../register/csv-import.ts';
import {
  type ExportedPosition,
  exportLicensesCsv,
  importLicensesCsv,
  type LicenseFileReader,
  type LicenseImportOutcome,
} from './license-csv.ts';
import { type License, type LicenseInput, licenseFieldsOf } from './license-model.ts';
import type { LicensePlan } from './license-plan.ts';
import { licenseWrite, planLicenseWrite } from './license-writes.ts';
import type { LicenseBook } from './ports.ts';

/** License entitlements' use cases: every write validated, kept unique and audited. */
export function createLicenseService(
  book: LicenseBook,
  csv: { charsets?: LegacyCharsets; read?: LicenseFileReader } = {},
) {
  async function applyPlan(p: LicensePlan, ctx: WriteContext): Promise<License> {
    const write = licenseWrite(p, ctx);
    if (!write) return p.before as License;
    const [stored] = await book.write([write]);
    if (!stored) throw new Error(`license ${write.id} was not stored`);
    return stored;
  }

  return {
    get: (id: string): Promise<License | undefined> => book.get(id),

    all: (): Promise<License[]> => book.all(),

    async create(input: LicenseInput, ctx: WriteContext): Promise<License> {
      const { plan, problems } = await planLicenseWrite(book, undefined, input);
      if (!plan) return refuse(problems, 'The license is invalid');
      return applyPlan(plan, ctx);
    },

    async update(id: string, input: LicenseInput, ctx: WriteContext): Promise<License> {
      const existing = await book.get(id);
      if (!existing) throw new NotFoundError(`No license ${id}`);
      const { plan, problems } = await planLicenseWrite(book, existing, input);
      if (!plan) return refuse(problems, 'The change is invalid');
      return applyPlan(plan, ctx);
    },

    /** Imports license entitlements from CSV, all or nothing (see `importLicensesCsv`). */
    importCsv: (input: CsvInput, options: ImportOptions & WriteContext): Promise<LicenseImportOutcome> =>
      importLicensesCsv(book, input, {
        ...options,
        ...(csv.charsets ? { charsets: csv.charsets } : {}),
        ...(csv.read ? { read: csv.read } : {}),
      }),

    exportCsv: (positionOf?: (l: License) => ExportedPosition | undefined): Promise<string> =>
      exportLicensesCsv(book, positionOf),

    async remove(id: string, ctx: WriteContext): Promise<void> {
      const at = ctx.now ?? new Date();
      await book.remove(id, (removed) => ({
        at,
        actor: ctx.actor,
        entityType: 'license',
        entityId: id,
        action: 'delete',
        before: licenseFieldsOf(removed),
        ...(ctx.context ? { context: ctx.context } : {}),
      }));
    },
  };
}

export type LicenseService = ReturnType<typeof createLicenseService>;
