import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import {
  LICENSE_FIELD_ORDER,
  type License,
  type LicenseFields,
  type LicenseInput,
  licenseColumns,
  licenseFieldsOf,
  licenseFromRow,
  mergeLicense,
} from '../../../domain/licenses/license-model.ts';
import type { WriteContext } from '../assets/assets-repository.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Db } from '../open-database.ts';
import { licenses } from '../schema/index.ts';

export interface LicenseChange {
  field: keyof LicenseFields;
  from: unknown;
  to: unknown;
}

export interface LicensePlan {
  kind: 'create' | 'update' | 'unchanged';
  before?: License;
  next: LicenseFields;
  changes: LicenseChange[];
}

function diff(before: LicenseFields, after: LicenseFields): LicenseChange[] {
  return LICENSE_FIELD_ORDER.filter((f) => before[f] !== after[f]).map((f) => ({
    field: f,
    from: before[f],
    to: after[f],
  }));
}

/** License entitlements; every write audited, (product, order number) unique. */
export function createLicensesRepository(db: Db, audit: AuditLog) {
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

  function plan(
    existing: License | undefined,
    input: LicenseInput,
  ): { plan?: LicensePlan; problems: { field: string; message: string }[] } {
    const { next, problems } = mergeLicense(existing ? licenseFieldsOf(existing) : undefined, input);
    if (!next) return { problems };
    const holder = getByKey(next.product, next.orderNumber);
    if (holder && holder.id !== existing?.id) {
      throw new ConflictError(
        `License ${holder.id} already has product ${next.product} and order number ${next.orderNumber ?? '(none)'}`,
        'product',
      );
    }
    const changes = existing ? diff(licenseFieldsOf(existing), next) : [];
    const kind = !existing ? 'create' : changes.length > 0 ? 'update' : 'unchanged';
    return { plan: { kind, ...(existing ? { before: existing } : {}), next, changes }, problems };
  }

  function apply(p: LicensePlan, ctx: WriteContext): License {
    if (p.kind === 'unchanged' && p.before) return p.before;
    const now = ctx.now ?? new Date();
    const at = now.toISOString();
    return db.transaction(() => {
      const id = p.before?.id ?? randomUUID();
      if (p.kind === 'create') {
        db.insert(licenses)
          .values({ id, ...licenseColumns(p.next), createdAt: at, updatedAt: at })
          .run();
        audit.write({
          at: now,
          actor: ctx.actor,
          entityType: 'license',
          entityId: id,
          action: 'create',
          after: p.next,
          ...(ctx.context ? { context: ctx.context } : {}),
        });
      } else {
        db.update(licenses)
          .set({ ...licenseColumns(p.next), updatedAt: at })
          .where(eq(licenses.id, id))
          .run();
        const before: Record<string, unknown> = {};
        const after: Record<string, unknown> = {};
        for (const c of p.changes) {
          before[c.field] = c.from;
          after[c.field] = c.to;
        }
        audit.write({
          at: now,
          actor: ctx.actor,
          entityType: 'license',
          entityId: id,
          action: 'update',
          before,
          after,
          ...(ctx.context ? { context: ctx.context } : {}),
        });
      }
      const stored = get(id);
      if (!stored) throw new Error(`license ${id} vanished while being written`);
      return stored;
    });
  }

  const refuse = (problems: { field: string; message: string }[], what: string): never => {
    throw new ValidationError(`${what}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
  };

  return {
    get,
    getByKey,
    plan,
    apply,
    atomically<T>(fn: () => T): T {
      return db.transaction(() => fn());
    },

    create(input: LicenseInput, ctx: WriteContext): License {
      return db.transaction(() => {
        const { plan: p, problems } = plan(undefined, input);
        if (!p) return refuse(problems, 'The license is invalid');
        return apply(p, ctx);
      });
    },

    update(id: string, input: LicenseInput, ctx: WriteContext): License {
      return db.transaction(() => {
        const existing = get(id);
        if (!existing) throw new NotFoundError(`No license ${id}`);
        const { plan: p, problems } = plan(existing, input);
        if (!p) return refuse(problems, 'The change is invalid');
        return apply(p, ctx);
      });
    },

    delete(id: string, ctx: WriteContext): void {
      db.transaction(() => {
        const existing = get(id);
        if (!existing) throw new NotFoundError(`No license ${id}`);
        audit.write({
          at: ctx.now ?? new Date(),
          actor: ctx.actor,
          entityType: 'license',
          entityId: id,
          action: 'delete',
          before: licenseFieldsOf(existing),
          ...(ctx.context ? { context: ctx.context } : {}),
        });
        db.delete(licenses).where(eq(licenses.id, id)).run();
      });
    },

    all(): License[] {
      return db
        .select()
        .from(licenses)
        .orderBy(asc(licenses.product), asc(licenses.orderNumber), asc(licenses.id))
        .all()
        .map(licenseFromRow);
    },
  };
}

export type LicensesRepository = ReturnType<typeof createLicensesRepository>;
