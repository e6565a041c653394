import type { LicenseFact } from '../ports.ts';
import { type Candidate, defineRule, each, plural } from '../rule.ts';
import { licenseRef, licenseUnit } from '../subjects.ts';

/** More devices (or users) use the product than the entitlement has seats. */
export function licenseOveruse(l: LicenseFact): Candidate | undefined {
  if (l.used <= l.seats) return undefined;
  return {
    type: 'license_overuse',
    subjectKind: 'license',
    subjectId: l.id,
    subKey: '',
    severity: 'high',
    summary: `${l.product}: ${plural(l.used, licenseUnit(l))} use it, ${plural(l.seats, 'seat')} licensed (${l.used - l.seats} over)`,
    facts: { product: l.product, metric: l.metric, seats: l.seats, used: l.used },
    refs: [licenseRef(l)],
  };
}

export default defineRule({
  type: 'license_overuse',
  subjectKind: 'license',
  defaultSeverity: 'high',
  description: 'More present devices (or users, by the license metric) use the product than the license has seats.',
  reads: ['licenses'],
  evaluate: ({ licenses }) => each(licenses, licenseOveruse),
});
