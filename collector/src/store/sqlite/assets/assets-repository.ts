import { randomUUID } from 'node:crypto';
import type { AssetStatus, LinkMethod } from '@stocktake/shared/api';
import { and, asc, desc, eq, gt, or } from 'drizzle-orm';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors.ts';
import {
  type Asset,
  type AssetFields,
  assetFromRow,
  changesToAudit,
  fieldsOf,
} from '../../../domain/register/asset-model.ts';
import { type AssetPlan, planAsset, type StatusOptions } from '../../../domain/register/asset-plan.ts';
import type { AssetInput } from '../../../domain/register/asset-validate.ts';
import type { AuditLog } from '../audit/audit-repository.ts';
import type { Conflicts, IdentityConflict } from '../matching/conflicts.ts';
import type { Matcher } from '../matching/matcher.ts';
import type { Db } from '../open-database.ts';
import { assetDisposals, assetStatusEvents, assets, deviceAssetLinks, devices } from '../schema/index.ts';
import { columnsFor, macsOf, replaceMacs } from './asset-rows.ts';

export interface WriteContext {
  actor: string;
  now?: Date;
  /** Where the change came from, kept in the audit log (an import line, a CLI run). */
  context?: string;
}

export interface StatusEvent {
  id: number;
  from: AssetStatus | null;
  to: AssetStatus;
  at: string;
  actor: string;
  note: string | null;
  correction: boolean;
  disposal: { method: string; certificateRef: string; vendor: string; date: string; notes: string | null } | null;
}

export interface AssetDetail extends Asset {
  statusEvents: StatusEvent[];
  devices: { deviceId: string; hostname: string; method: LinkMethod; linkedAt: string; lastSeenAt: string }[];
  conflicts: IdentityConflict[];
}

const IDENTIFIERS: readonly (keyof AssetFields)[] = ['serial', 'hardwareUuid', 'macs', 'hostname'];

/** The asset register: every write goes through a plan, lands in one transaction, and is audited. */
export function createAssetsRepository(db: Db, audit: AuditLog, matcher: Matcher, conflicts: Conflicts) {
  function get(id: string): Asset | undefined {
    const row = db.select().from(assets).where(eq(assets.id, id)).get();
    return row ? assetFromRow(row, macsOf(db, id)) : undefined;
  }

  function getByTag(tag: string): Asset | undefined {
    const row = db.select().from(assets).where(eq(assets.assetTag, tag)).get();
    return row ? assetFromRow(row, macsOf(db, row.id)) : undefined;
  }

  function statusEvents(assetId: string): StatusEvent[] {
    return db
      .select({
        id: assetStatusEvents.id,
        from: assetStatusEvents.fromStatus,
        to: assetStatusEvents.toStatus,
        at: assetStatusEvents.at,
        actor: assetStatusEvents.actor,
        note: assetStatusEvents.note,
        correction: assetStatusEvents.correction,
        method: assetDisposals.method,
        certificateRef: assetDisposals.certificateRef,
        vendor: assetDisposals.vendor,
        disposedOn: assetDisposals.disposedOn,
        disposalNotes: assetDisposals.notes,
      })
      .from(assetStatusEvents)
      .leftJoin(assetDisposals, eq(assetDisposals.statusEventId, assetStatusEvents.id))
      .where(eq(assetStatusEvents.assetId, assetId))
      .orderBy(asc(assetStatusEvents.id))
      .all()
      .map((r) => ({
        id: r.id,
        from: r.from,
        to: r.to,
        at: r.at,
        actor: r.actor,
        note: r.note,
        correction: r.correction,
        disposal:
          r.method && r.certificateRef && r.vendor && r.disposedOn
            ? {
                method: r.method,
                certificateRef: r.certificateRef,
                vendor: r.vendor,
                date: r.disposedOn,
                notes: r.disposalNotes,
              }
            : null,
      }));
  }

  /** Plans a write for one asset; the tag must stay unique. */
  function plan(existing: Asset | undefined, input: AssetInput, options: StatusOptions = {}) {
    const result = planAsset(existing, input, options);
    const tag = result.plan?.next.assetTag;
    if (result.plan && tag !== undefined && tag !== existing?.assetTag) {
      const holder = getByTag(tag);
      if (holder && holder.id !== existing?.id) {
        throw new ConflictError(`Asset tag ${tag} is already asset ${holder.id}`, 'assetTag');
      }
    }
    return result;
  }

  /** Writes a plan (no validation left to do). Call inside a transaction when batching. */
  function apply(p: AssetPlan, ctx: WriteContext, assetId: string = p.before?.id ?? randomUUID()): Asset {
    const now = ctx.now ?? new Date();
    const at = now.toISOString();
    if (p.kind === 'unchanged') return p.before as Asset;
    return db.transaction(() => {
      const { macs, ...rest } = p.next;
      if (p.kind === 'create') {
        db.insert(assets)
          .values({
            ...(columnsFor(rest) as typeof assets.$inferInsert),
            id: assetId,
            assetTag: p.next.assetTag,
            status: p.next.status,
            lockedFields: p.lockedAfter,
            createdAt: at,
            updatedAt: at,
          })
          .run();
        replaceMacs(db, assetId, macs);
      } else {
        const changed: Partial<AssetFields> = {};
        for (const c of p.changes) (changed as Record<string, unknown>)[c.field] = c.to;
        const { macs: newMacs, ...columns } = changed;
        db.update(assets)
          .set({ ...columnsFor(columns), lockedFields: p.lockedAfter, updatedAt: at })
          .where(eq(assets.id, assetId))
          .run();
        if (newMacs) replaceMacs(db, assetId, newMacs);
      }
      if (p.status) {
        const event = db
          .insert(assetStatusEvents)
          .values({
            assetId,
            fromStatus: p.status.from,
            toStatus: p.status.to,
            at,
            actor: ctx.actor,
            note: p.status.note ?? null,
            correction: p.status.correction,
          })
          .returning({ id: assetStatusEvents.id })
          .get();
        if (p.status.disposal) {
          const d = p.status.disposal;
          db.insert(assetDisposals)
            .values({
              assetId,
              statusEventId: event.id,
              method: d.method,
              certificateRef: d.certificateRef,
              vendor: d.vendor,
              disposedOn: d.date,
              notes: d.notes ?? null,
            })
            .run();
        }
      }
      const locksChanged = p.lockedAfter.join() !== p.lockedBefore.join();
      if (p.kind === 'create') {
        audit.write({
          at: now,
          actor: ctx.actor,
          entityType: 'asset',
          entityId: assetId,
          action: 'create',
          after: {
            ...p.next,
            lockedFields: p.lockedAfter,
            ...(p.status?.disposal ? { disposal: p.status.disposal } : {}),
          },
          ...(ctx.context ? { context: ctx.context } : {}),
        });
      } else {
        const { before, after } = changesToAudit(p.changes) as {
          before: Record<string, unknown>;
          after: Record<string, unknown>;
        };
        if (locksChanged) {
          before.lockedFields = p.lockedBefore;
          after.lockedFields = p.lockedAfter;
        }
        if (p.status?.disposal) after.disposal = p.status.disposal;
        if (p.status?.correction) after.correction = p.status.note ?? true;
        audit.write({
          at: now,
          actor: ctx.actor,
          entityType: 'asset',
          entityId: assetId,
          action: p.status ? 'status' : 'update',
          before,
          after,
          ...(ctx.context ? { context: ctx.context } : {}),
        });
      }
      const identifiersChanged = p.kind === 'create' || p.changes.some((c) => IDENTIFIERS.includes(c.field));
      if (identifiersChanged) matcher.matchDevicesForAsset(assetId, now);
      const stored = get(assetId);
      if (!stored) throw new Error(`asset ${assetId} vanished while being written`);
      return stored;
    });
  }

  function refuse(problems: { field: string; message: string }[], what: string): never {
    throw new ValidationError(`${what}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
  }

  return {
    get,
    getByTag,
    plan,
    /** Runs `fn` in one transaction (nested calls share it). */
    atomically<T>(fn: () => T): T {
      return db.transaction(() => fn());
    },
    apply,
    statusEvents,

    detail(id: string): AssetDetail | undefined {
      const asset = get(id);
      if (!asset) return undefined;
      return {
        ...asset,
        statusEvents: statusEvents(id),
        devices: matcher.devicesOfAsset(id),
        conflicts: conflicts.forAsset(id),
      };
    },

    create(input: AssetInput, options: StatusOptions, ctx: WriteContext): Asset {
      return db.transaction(() => {
        const { plan: p, problems } = plan(undefined, input, options);
        if (!p) refuse(problems, 'The asset is invalid');
        return apply(p, ctx);
      });
    },

    update(id: string, input: AssetInput, options: StatusOptions, ctx: WriteContext): Asset {
      return db.transaction(() => {
        const existing = get(id);
        if (!existing) throw new NotFoundError(`No asset ${id}`);
        const { plan: p, problems } = plan(existing, input, options);
        if (!p) refuse(problems, 'The change is invalid');
        return apply(p, ctx);
      });
    },

    /**
     * Removes an asset from the register. The audit entry keeps all of it, its status history
     * and disposal records included; devices linked to it are unlinked (audited) and matched again.
     */
    delete(id: string, ctx: WriteContext): void {
      const now = ctx.now ?? new Date();
      db.transaction(() => {
        const existing = get(id);
        if (!existing) throw new NotFoundError(`No asset ${id}`);
        const linked = db
          .select({ key: deviceAssetLinks.deviceKey, deviceId: devices.id, method: deviceAssetLinks.method })
          .from(deviceAssetLinks)
          .innerJoin(devices, eq(devices.key, deviceAssetLinks.deviceKey))
          .where(eq(deviceAssetLinks.assetId, id))
          .all();
        audit.write({
          at: now,
          actor: ctx.actor,
          entityType: 'asset',
          entityId: id,
          action: 'delete',
          before: { ...fieldsOf(existing), lockedFields: existing.lockedFields, statusEvents: statusEvents(id) },
          ...(ctx.context ? { context: ctx.context } : {}),
        });
        for (const l of linked) {
          audit.write({
            at: now,
            actor: ctx.actor,
            entityType: 'device_link',
            entityId: l.deviceId,
            action: 'unlink',
            before: { assetId: id, method: l.method },
            after: null,
            context: 'asset deleted',
          });
        }
        db.delete(assets).where(eq(assets.id, id)).run();
        for (const l of linked) matcher.matchDevice(l.key, now);
      });
    },

    /** Every asset in tag order, for exports. */
    *all(batchSize = 1000): Generator<Asset> {
      let after: readonly [string, string] | undefined;
      for (;;) {
        const conditions = after
          ? or(gt(assets.assetTag, after[0]), and(eq(assets.assetTag, after[0]), gt(assets.id, after[1])))
          : undefined;
        const rows = db
          .select()
          .from(assets)
          .where(conditions)
          .orderBy(asc(assets.assetTag), asc(assets.id))
          .limit(batchSize)
          .all();
        for (const r of rows) yield assetFromRow(r, macsOf(db, r.id));
        const last = rows.at(-1);
        if (!last || rows.length < batchSize) return;
        after = [last.assetTag, last.id];
      }
    },

    /** The latest disposal record of an asset (for exports). */
    latestDisposal(assetId: string) {
      return db
        .select()
        .from(assetDisposals)
        .where(eq(assetDisposals.assetId, assetId))
        .orderBy(desc(assetDisposals.id))
        .limit(1)
        .get();
    },
  };
}

export type AssetsRepository = ReturnType<typeof createAssetsRepository>;
