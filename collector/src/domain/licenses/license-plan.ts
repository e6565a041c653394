import type { FieldProblem } from '../errors.ts';
import {
  LICENSE_FIELD_ORDER,
  type License,
  type LicenseFields,
  type LicenseInput,
  licenseFieldsOf,
  mergeLicense,
} from './license-model.ts';

export interface LicenseChange {
  field: keyof LicenseFields;
  from: unknown;
  to: unknown;
}

/** What writing a request would do to one license, computed without writing anything. */
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

/** Plans a create (no `existing`) or an update; with problems there is no plan. */
export function planLicense(
  existing: License | undefined,
  input: LicenseInput,
): { plan?: LicensePlan; problems: FieldProblem[] } {
  const { next, problems } = mergeLicense(existing ? licenseFieldsOf(existing) : undefined, input);
  if (!next) return { problems };
  const changes = existing ? diff(licenseFieldsOf(existing), next) : [];
  const kind = !existing ? 'create' : changes.length > 0 ? 'update' : 'unchanged';
  return { plan: { kind, ...(existing ? { before: existing } : {}), next, changes }, problems };
}
