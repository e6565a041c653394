import { and, asc, eq } from 'drizzle-orm';
import type { AuditEntry } from '../../../domain/audit/ports.ts';
import { ConflictError, NotFoundError } from '../../../domain/errors.ts';
import type { License } from '../../../domain/licenses/license-model.ts';
import type { LicenseBook, LicenseWrite } from '../../../domain/licenses/ports.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { licenses } from '../schema/index.ts';
import { licenseColumns, licenseFromRow } from './license-rows.ts';

/** Every license by product, order number and id. Synchronous: what a reconciliation run reads in its phase. */
export function readAllLicenses(db: Db): License[] {
  return db
    .select()
    .from(licenses)
    .orderBy(asc(licenses.product), asc(licenses.orderNumber), asc(licenses.id))
    .all()
    .map(licenseFromRow);
}

/** The license book on SQLite: a batch of writes lands in one transaction with its audit entries. */
export function createLicensesRepository(db: Db, audit: AuditLog): LicenseBook {
  const get = (id: string): License | undefined => {
    const row = db.select().from(licenses).where(eq(licenses.id, id)).get();
    return row ? licenseFromRow(row) : undefined;
  };
  const getByKey = (product: string, orderNumber: string | null): License | undefined => {
    const row = db
      .select()
      .from(licenses)
      .where(and(eq(licenses.product, product), eq(licenses.orderNumber, orderNumber ?? '')))
      .get();
    return row ? licenseFromRow(row) : undefined;
  };

  /** Refuses a write planned on a license that has changed since, or a key another license holds. */
  function checkStillValid(w: LicenseWrite): void {
    const { plan } = w;
    if (plan.kind === 'update') {
      const stored = get(w.id);
      if (!stored) throw new NotFoundError(`No license ${w.id}`);
      if (stored.updatedAt !== plan.before?.updatedAt) {
        throw new ConflictError(`License ${w.id} changed while the change was being made; try again`, 'updatedAt');
      }
    }
    const holder = getByKey(plan.next.product, plan.next.orderNumber);
    if (holder && holder.id !== w.id) {
      throw new ConflictError(
        `License ${holder.id} already has product ${plan.next.product} and order number ${plan.next.orderNumber ?? '(none)'}`,
        'product',
      );
    }
  }

  function apply(w: LicenseWrite): License {
    const at = w.at.toISOString();
    if (w.plan.kind === 'create') {
      db.insert(licenses)
        .values({ id: w.id, ...licenseColumns(w.plan.next), createdAt: at, updatedAt: at })
        .run();
    } else {
      db.update(licenses)
        .set({ ...licenseColumns(w.plan.next), updatedAt: at })
        .where(eq(licenses.id, w.id))
        .run();
    }
    audit.write(w.audit);
    const stored = get(w.id);
    if (!stored) throw new Error(`license ${w.id} vanished while being written`);
    return stored;
  }

  return {
    get: async (id) => get(id),
    getByKey: async (product, orderNumber) => getByKey(product, orderNumber),
    all: async () => readAllLicenses(db),
    // Every write is checked against the state it was planned on, before any of them lands:
    // what an earlier write of the batch changes (matching fills an asset) is not a conflict.
    write: async (writes) =>
      db.transaction(() => {
        const keys = new Map<string, string>();
        for (const w of writes) {
          checkStillValid(w);
          const key = `${w.plan.next.product}\u0000${w.plan.next.orderNumber ?? ''}`;
          const other = keys.get(key);
          if (other !== undefined && other !== w.id) {
            throw new ConflictError(`License ${w.plan.next.product} is written twice`, 'product');
          }
          keys.set(key, w.id);
        }
        return writes.map(apply);
      }),
    async remove(id: string, auditOf: (removed: License) => AuditEntry): Promise<void> {
      db.transaction(() => {
        const existing = get(id);
        if (!existing) throw new NotFoundError(`No license ${id}`);
        audit.write(auditOf(existing));
        db.delete(licenses).where(eq(licenses.id, id)).run();
      });
    },
  };
}
