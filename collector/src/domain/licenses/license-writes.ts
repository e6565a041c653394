/** How a planned change becomes a write to the license book, with its audit entry. */
import { randomUUID } from 'node:crypto';
import type { AuditEntry, WriteContext } from '../audit/ports.ts';
import { ConflictError, type FieldProblem } from '../errors.ts';
import type { License, LicenseInput } from './license-model.ts';
import { type LicensePlan, planLicense } from './license-plan.ts';
import type { LicenseBook, LicenseWrite } from './ports.ts';

/** Plans a write for one license; (product, order number) must stay unique. */
export async function planLicenseWrite(
  book: LicenseBook,
  existing: License | undefined,
  input: LicenseInput,
): Promise<{ plan?: LicensePlan; problems: FieldProblem[] }> {
  const result = planLicense(existing, input);
  const next = result.plan?.next;
  if (next) {
    const holder = await book.getByKey(next.product, next.orderNumber);
    if (holder && holder.id !== existing?.id) {
      throw new ConflictError(
        `License ${holder.id} already has product ${next.product} and order number ${next.orderNumber ?? '(none)'}`,
        'product',
      );
    }
  }
  return result;
}

/** The audit entry of a planned create or update. */
export function auditOfLicensePlan(p: LicensePlan, id: string, ctx: WriteContext, at: Date): AuditEntry {
  const where = ctx.context ? { context: ctx.context } : {};
  if (p.kind === 'create') {
    return { at, actor: ctx.actor, entityType: 'license', entityId: id, action: 'create', after: p.next, ...where };
  }
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const c of p.changes) {
    before[c.field] = c.from;
    after[c.field] = c.to;
  }
  return { at, actor: ctx.actor, entityType: 'license', entityId: id, action: 'update', before, after, ...where };
}

/** A plan as a write to the license book, with its audit entry; undefined when it changes nothing. */
export function licenseWrite(p: LicensePlan, ctx: WriteContext): LicenseWrite | undefined {
  if (p.kind === 'unchanged') return undefined;
  const at = ctx.now ?? new Date();
  const id = p.before?.id ?? randomUUID();
  return { id, plan: p, at, audit: auditOfLicensePlan(p, id, ctx, at) };
}
