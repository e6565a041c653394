/** How a planned change becomes a write to the register: its id, its audit entry, whether devices match anew. */
import { randomUUID } from 'node:crypto';
import type { AuditEntry, WriteContext } from '../audit/ports.ts';
import { ConflictError, type FieldProblem, ValidationError } from '../errors.ts';
import { type Asset, type AssetFields, changesToAudit, fieldsOf } from './asset-model.ts';
import { type AssetPlan, planAsset, type StatusOptions } from './asset-plan.ts';
import type { AssetInput } from './asset-validate.ts';
import type { AssetRegister, AssetWrite, RemovedAsset } from './ports.ts';

/** The fields devices are matched by: changing one links devices anew. */
const IDENTIFIERS: readonly (keyof AssetFields)[] = ['serial', 'hardwareUuid', 'macs', 'hostname'];

export function refuse(problems: FieldProblem[], what: string): never {
  throw new ValidationError(`${what}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);
}

/** Plans a write for one asset; the tag must stay unique. */
export async function planAssetWrite(
  assets: AssetRegister,
  existing: Asset | undefined,
  input: AssetInput,
  options: StatusOptions = {},
  now: Date = new Date(),
): Promise<{ plan?: AssetPlan; problems: FieldProblem[] }> {
  const result = planAsset(existing, input, options, now);
  const tag = result.plan?.next.assetTag;
  if (result.plan && tag !== undefined && tag !== existing?.assetTag) {
    const holder = await assets.getByTag(tag);
    if (holder && holder.id !== existing?.id) {
      throw new ConflictError(`Asset tag ${tag} is already asset ${holder.id}`, 'assetTag');
    }
  }
  return result;
}

/** The audit entry of a planned create, update or status change. */
export function auditOfPlan(p: AssetPlan, assetId: string, ctx: WriteContext, at: Date): AuditEntry {
  const where = ctx.context ? { context: ctx.context } : {};
  if (p.kind === 'create') {
    return {
      at,
      actor: ctx.actor,
      entityType: 'asset',
      entityId: assetId,
      action: 'create',
      after: {
        ...p.next,
        lockedFields: p.lockedAfter,
        ...(p.status?.disposal ? { disposal: p.status.disposal } : {}),
      },
      ...where,
    };
  }
  const { before, after } = changesToAudit(p.changes) as {
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  };
  if (p.lockedAfter.join() !== p.lockedBefore.join()) {
    before.lockedFields = p.lockedBefore;
    after.lockedFields = p.lockedAfter;
  }
  if (p.status?.disposal) after.disposal = p.status.disposal;
  if (p.status?.correction) after.correction = p.status.note ?? true;
  return {
    at,
    actor: ctx.actor,
    entityType: 'asset',
    entityId: assetId,
    action: p.status ? 'status' : 'update',
    before,
    after,
    ...where,
  };
}

/** A plan as a write to the register, with its audit entry; undefined when it changes nothing. */
export function assetWrite(p: AssetPlan, ctx: WriteContext): AssetWrite | undefined {
  if (p.kind === 'unchanged') return undefined;
  const at = ctx.now ?? new Date();
  const id = p.before?.id ?? randomUUID();
  return {
    id,
    plan: p,
    at,
    actor: ctx.actor,
    audit: auditOfPlan(p, id, ctx, at),
    matchDevices: p.kind === 'create' || p.changes.some((c) => IDENTIFIERS.includes(c.field)),
  };
}

/**
 * The audit entries of a removal: the asset with its status history and disposal records, and
 * one unlink per device that was linked to it.
 */
export function auditOfRemoval(removed: RemovedAsset, ctx: WriteContext, at: Date): AuditEntry[] {
  const { asset, statusEvents, links } = removed;
  return [
    {
      at,
      actor: ctx.actor,
      entityType: 'asset',
      entityId: asset.id,
      action: 'delete',
      before: { ...fieldsOf(asset), lockedFields: asset.lockedFields, statusEvents },
      ...(ctx.context ? { context: ctx.context } : {}),
    },
    ...links.map(
      (l): AuditEntry => ({
        at,
        actor: ctx.actor,
        entityType: 'device_link',
        entityId: l.deviceId,
        action: 'unlink',
        before: { assetId: asset.id, method: l.method },
        after: null,
        context: 'asset deleted',
      }),
    ),
  ];
}
