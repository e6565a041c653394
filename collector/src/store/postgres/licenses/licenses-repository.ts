import { and, asc, eq } from 'drizzle-orm';
import type { AuditEntry } from '../../../domain/audit/ports.ts';
import { ConflictError, NotFoundError } from '../../../domain/errors.ts';
import type { License } from '../../../domain/licenses/license-model.ts';
import type { LicenseBook, LicenseWrite } from '../../../domain/licenses/ports.ts';
import { writeAudit } from '../audit/audit-repository.ts';
import { type Db, type Executor, sqlStateOf, type Tx, UNIQUE_VIOLATION } from '../connection.ts';
import { licenses } from '../schema/index.ts';
import { licenseColumns, licenseFromRow } from './license-rows.ts';

/** Every license by product, order number and id: what a reconciliation run reads. */
export async function readAllLicenses(db: Executor): Promise<License[]> {
  const rows = await db
    .select()
    .from(licenses)
    .orderBy(asc(licenses.product), asc(licenses.orderNumber), asc(licenses.id));
  return rows.map(licenseFromRow);
}

async function get(db: Executor, id: string, lock = false): Promise<License | undefined> {
  const query = db.select().from(licenses).where(eq(licenses.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row ? licenseFromRow(row) : undefined;
}

async function getByKey(db: Executor, product: string, orderNumber: string | null): Promise<License | undefined> {
  const [row] = await db
    .select()
    .from(licenses)
    .where(and(eq(licenses.product, product), eq(licenses.orderNumber, orderNumber ?? '')));
  return row ? licenseFromRow(row) : undefined;
}

const keyTaken = (product: string, orderNumber: string | null, holder?: string) =>
  new ConflictError(
    `License ${holder ?? 'another'} already has product ${product} and order number ${orderNumber ?? '(none)'}`,
    'product',
  );

/**
 * Refuses a write planned on a license that has changed since, or a key another license holds.
 * The license updated is locked until the transaction ends, so a concurrent writer waits and then
 * finds it changed.
 */
async function checkStillValid(tx: Tx, w: LicenseWrite): Promise<void> {
  const { plan } = w;
  if (plan.kind === 'update') {
    const stored = await get(tx, w.id, true);
    if (!stored) throw new NotFoundError(`No license ${w.id}`);
    if (stored.updatedAt !== plan.before?.updatedAt) {
      throw new ConflictError(`License ${w.id} changed while the change was being made; try again`, 'updatedAt');
    }
  }
  const holder = await getByKey(tx, plan.next.product, plan.next.orderNumber);
  if (holder && holder.id !== w.id) throw keyTaken(plan.next.product, plan.next.orderNumber, holder.id);
}

async function apply(tx: Tx, w: LicenseWrite): Promise<License> {
  const [row] =
    w.plan.kind === 'create'
      ? await tx
          .insert(licenses)
          .values({ id: w.id, ...licenseColumns(w.plan.next), createdAt: w.at, updatedAt: w.at })
          .returning()
      : await tx
          .update(licenses)
          .set({ ...licenseColumns(w.plan.next), updatedAt: w.at })
          .where(eq(licenses.id, w.id))
          .returning();
  if (!row) throw new Error(`license ${w.id} vanished while being written`);
  await writeAudit(tx, w.audit);
  return licenseFromRow(row);
}

/** The license book on PostgreSQL: a batch of writes lands in one transaction with its audit entries. */
export function createLicensesRepository(db: Db): LicenseBook {
  return {
    get: (id) => get(db, id),
    getByKey: (product, orderNumber) => getByKey(db, product, orderNumber),
    all: () => readAllLicenses(db),
    // Every write is checked against the state it was planned on, before any of them lands:
    // what an earlier write of the batch changes is not a conflict.
    async write(writes) {
      try {
        return await db.transaction(async (tx) => {
          const keys = new Map<string, string>();
          for (const w of writes) {
            await checkStillValid(tx, w);
            const key = `${w.plan.next.product}\u0000${w.plan.next.orderNumber ?? ''}`;
            const other = keys.get(key);
            if (other !== undefined && other !== w.id) {
              throw new ConflictError(`License ${w.plan.next.product} is written twice`, 'product');
            }
            keys.set(key, w.id);
          }
          const written: License[] = [];
          for (const w of writes) written.push(await apply(tx, w));
          return written;
        });
      } catch (err) {
        // A concurrent write took the key between the check and the insert: the index refuses it.
        const state = sqlStateOf(err);
        if (state?.code === UNIQUE_VIOLATION && state.constraint === 'licenses_product_order_idx') {
          throw new ConflictError('Another license already has this product and order number', 'product');
        }
        throw err;
      }
    },
    async remove(id: string, auditOf: (removed: License) => AuditEntry): Promise<void> {
      await db.transaction(async (tx) => {
        const existing = await get(tx, id, true);
        if (!existing) throw new NotFoundError(`No license ${id}`);
        await writeAudit(tx, auditOf(existing));
        await tx.delete(licenses).where(eq(licenses.id, id));
      });
    },
  };
}
