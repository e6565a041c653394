import type { AuditEntry } from '../audit/ports.ts';
import type { License } from './license-model.ts';
import type { LicensePlan } from './license-plan.ts';

/** One planned write to the license book, with its audit entry. */
export interface LicenseWrite {
  /** The license's id: a new one for a create. */
  id: string;
  /** What changes (never `unchanged`). */
  plan: LicensePlan;
  at: Date;
  audit: AuditEntry;
}

/**
 * The license book: entitlements, unique by product and order number. Writes come planned
 * and audited by the domain (`license-service.ts`); a batch lands in one transaction.
 */
export interface LicenseBook {
  get(id: string): Promise<License | undefined>;
  /** The license of a product under an order number (null: the one without). */
  getByKey(product: string, orderNumber: string | null): Promise<License | undefined>;
  /** Every license, by product, order number and id. */
  all(): Promise<License[]>;
  /**
   * Applies the writes in order, in one transaction, and returns the licenses as stored.
   * ConflictError (nothing written) when a product and order number are taken or an updated
   * license changed since it was planned.
   */
  write(writes: readonly LicenseWrite[]): Promise<License[]>;
  /** Removes a license with the audit entry `audit` makes of it. NotFoundError when there is none. */
  remove(id: string, audit: (removed: License) => AuditEntry): Promise<void>;
}
