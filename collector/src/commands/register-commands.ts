import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { openCollector } from '../compose/collector.ts';
import type { DatabaseLocation } from '../compose/stores.ts';
import { pruneSnapshots, thinSnapshots } from '../domain/inventory/retention.ts';
import type { LicenseImportOutcome } from '../domain/licenses/license-csv.ts';
import type { ImportOutcome } from '../domain/register/asset-csv.ts';
import { DEFAULT_IMPORT_ROW_LIMIT, ImportRefusedError, ImportTooLargeError } from '../domain/register/csv-import.ts';
import type { CollectorServices as Services } from '../domain/services.ts';
import { ADMIN_DATABASE, noDatabaseAt } from './admin-database.ts';
import { cliActor } from './cli-actor.ts';

/** Exit codes from sysexits.h, so scripts can tell a bad file from a missing one. */
export const EXIT = { ok: 0, usage: 64, dataErr: 65, noInput: 66, cantCreate: 73 } as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface RegisterCommand {
  /** assets | licenses | snapshots | match */
  noun: string;
  verb: string;
  file?: string;
  dryRun: boolean;
  json: boolean;
  /** (assets import) `Label=status,...` for status labels Stocktake does not know. */
  statusMap?: string;
  retentionDays?: number;
  /** 0: no thinning. */
  thinAfterHours?: number;
  /** The largest import file in bytes and the most data rows it may hold (--csv-body-limit, --csv-row-limit). */
  csvLimits?: { maxBytes: number; maxRows: number };
}

/** The import limits when the command line gives none: the collector's defaults. */
const DEFAULT_CSV_LIMITS = { maxBytes: 32 * 1024 * 1024, maxRows: DEFAULT_IMPORT_ROW_LIMIT };

const SHOWN = 100;

function describeValue(v: unknown): string {
  return v === null || v === undefined ? '(empty)' : JSON.stringify(v);
}

function printOutcome(io: Io, file: string, o: ImportOutcome | LicenseImportOutcome, key: (r: object) => string): void {
  io.out(
    `${file}: ${o.rows} rows: ${o.created.length} created, ${o.updated.length} updated, ${o.unchanged.length} unchanged` +
      `${o.dryRun ? ' (dry run: nothing written)' : ''}\n`,
  );
  io.out(`read as ${o.detected.encoding}, ${o.detected.delimiter}-separated\n`);
  for (const warning of o.warnings) io.out(`warning: ${warning}\n`);
  if (o.ignoredColumns.length > 0) io.out(`ignored columns: ${o.ignoredColumns.join(', ')}\n`);
  for (const r of o.created.slice(0, SHOWN))
    io.out(`  ${o.dryRun ? 'would create' : 'created'}  line ${r.line}  ${key(r)}\n`);
  if (o.created.length > SHOWN) io.out(`  ... and ${o.created.length - SHOWN} more created\n`);
  for (const r of o.updated.slice(0, SHOWN)) {
    const diff = r.changes.map((c) => `${c.field} ${describeValue(c.from)} → ${describeValue(c.to)}`).join('; ');
    io.out(`  ${o.dryRun ? 'would update' : 'updated'}  line ${r.line}  ${key(r)}: ${diff}\n`);
  }
  if (o.updated.length > SHOWN) io.out(`  ... and ${o.updated.length - SHOWN} more updated\n`);
}

/**
 * Runs a register command against the database at `dbPath`. The database must exist: an
 * import into a mistyped path would otherwise land in a new, empty register.
 */
export async function runRegisterCommand(dbPath: DatabaseLocation, cmd: RegisterCommand, io: Io): Promise<number> {
  const missing = noDatabaseAt(dbPath);
  if (missing) {
    io.err(missing);
    return EXIT.noInput;
  }
  const collector = await openCollector({ dbPath, database: ADMIN_DATABASE });
  try {
    return await run(collector.services, cmd, io);
  } finally {
    await collector.close();
  }
}

async function run(services: Services, cmd: RegisterCommand, io: Io): Promise<number> {
  const actor = cliActor();
  const key = `${cmd.noun} ${cmd.verb}`;
  switch (key) {
    case 'assets import':
    case 'licenses import': {
      if (!cmd.file) {
        io.err(`stocktake-collector: ${key} needs a FILE\n`);
        return EXIT.usage;
      }
      const limits = cmd.csvLimits ?? DEFAULT_CSV_LIMITS;
      let bytes: Buffer;
      try {
        // The size is checked before the file is read: a file far past the limit costs nothing.
        const { size } = statSync(cmd.file);
        if (size > limits.maxBytes) {
          io.err(
            `stocktake-collector: ${cmd.file} is ${size} bytes, over the import limit of ${limits.maxBytes} (--csv-body-limit); split it into smaller files\n`,
          );
          return EXIT.dataErr;
        }
        // As bytes: the importer detects the encoding (UTF-8, Windows-1252, Mac Roman).
        bytes = readFileSync(cmd.file);
      } catch (err) {
        io.err(`stocktake-collector: cannot read ${cmd.file}: ${(err as Error).message}\n`);
        return EXIT.noInput;
      }
      const options = {
        dryRun: cmd.dryRun,
        actor,
        context: `csv import (cli ${cmd.file})`,
        run: { maxRows: limits.maxRows },
      };
      try {
        const outcome =
          cmd.noun === 'assets'
            ? await services.registerService.importCsv(bytes, {
                ...options,
                ...(cmd.statusMap !== undefined ? { statusMap: cmd.statusMap } : {}),
              })
            : await services.licenseService.importCsv(bytes, options);
        if (cmd.json) io.out(`${JSON.stringify(outcome, null, 2)}\n`);
        else
          printOutcome(io, cmd.file, outcome, (r) =>
            'assetTag' in r
              ? String(r.assetTag)
              : `${(r as { product: string }).product} ${(r as { orderNumber: string | null }).orderNumber ?? ''}`.trim(),
          );
        return EXIT.ok;
      } catch (err) {
        if (err instanceof ImportTooLargeError) {
          io.err(`stocktake-collector: ${cmd.file}: ${err.message} (--csv-row-limit)\n`);
          return EXIT.dataErr;
        }
        if (!(err instanceof ImportRefusedError)) throw err;
        if (cmd.json) io.err(`${JSON.stringify({ refused: true, errors: err.errors }, null, 2)}\n`);
        else {
          io.err(
            `${cmd.file}: refused, nothing was imported (${err.errors.length} problem${err.errors.length === 1 ? '' : 's'}):\n`,
          );
          for (const e of err.errors) io.err(`  line ${e.line}${e.column ? ` (${e.column})` : ''}: ${e.message}\n`);
        }
        return EXIT.dataErr;
      }
    }
    case 'assets export':
    case 'licenses export': {
      const csv =
        cmd.noun === 'assets' ? await services.registerService.exportCsv() : await services.licenseService.exportCsv();
      if (!cmd.file || cmd.file === '-') {
        io.out(csv);
        return EXIT.ok;
      }
      try {
        writeFileSync(cmd.file, csv);
      } catch (err) {
        io.err(`stocktake-collector: cannot write ${cmd.file}: ${(err as Error).message}\n`);
        return EXIT.cantCreate;
      }
      io.err(`wrote ${cmd.file}\n`);
      return EXIT.ok;
    }
    case 'snapshots prune': {
      const days = cmd.retentionDays ?? 30;
      const result = await pruneSnapshots(services.snapshotArchive, new Date(Date.now() - days * 24 * 60 * 60 * 1000));
      io.out(`pruned ${result.snapshots} snapshots and ${result.sections} section blobs older than ${days} days\n`);
      const hours = cmd.thinAfterHours ?? 24;
      if (hours > 0) {
        const thinned = await thinSnapshots(services.snapshotArchive, new Date(Date.now() - hours * 60 * 60 * 1000));
        io.out(`thinned ${thinned.snapshots} repeated snapshots older than ${hours} hours\n`);
      }
      return EXIT.ok;
    }
    case 'devices match': {
      const result = await services.deviceLinks.rematchAll();
      io.out(
        `matched ${result.devices} devices: ${result.linked} linked to an asset, ${result.changed} links changed\n`,
      );
      return EXIT.ok;
    }
    default:
      io.err(`stocktake-collector: unknown command "${key}"\n`);
      return EXIT.usage;
  }
}
