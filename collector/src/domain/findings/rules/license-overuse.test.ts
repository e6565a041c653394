import { describe, expect, it } from 'vitest';
import { ctx, inDays, lic } from '../rule-fixtures.ts';
import { licenseOveruse } from './license-overuse.rule.ts';

describe('license_overuse', () => {
  it('overuse: more used than seats, by the metric', () => {
    expect(licenseOveruse(lic(), ctx())).toBeUndefined();
    expect(licenseOveruse(lic({ used: 11 }), ctx())?.summary).toBe(
      'Acme CAD: 11 devices use it, 10 seats licensed (1 over)',
    );
    expect(licenseOveruse(lic({ used: 12, metric: 'per_user' }), ctx())?.summary).toContain('12 users');
  });

  it('pools the seats of every order of the product: 3 + 2 seats hold 3 installs', () => {
    const acrobat = (used: number) =>
      lic(
        { product: 'Acrobat', used },
        { id: 'po-1', orderNumber: 'PO-1', seats: 3 },
        { id: 'po-2', orderNumber: 'PO-2', seats: 2, termEnd: inDays(200) },
      );
    expect(licenseOveruse(acrobat(3), ctx())).toBeUndefined();
    expect(licenseOveruse(acrobat(5), ctx())).toBeUndefined();
    expect(licenseOveruse(acrobat(6), ctx())).toMatchObject({
      subjectKind: 'product',
      subjectId: 'Acrobat',
      subKey: 'per_device',
      summary: 'Acrobat: 6 devices use it, 5 seats licensed over 2 orders (PO-1, PO-2) (1 over)',
      facts: { product: 'Acrobat', metric: 'per_device', seats: 5, used: 6 },
      refs: [
        { kind: 'license', id: 'po-1' },
        { kind: 'license', id: 'po-2' },
      ],
    });
  });

  it('counts only entitlements in term: ended or not yet started ones lend no seats', () => {
    const pool = (used: number) =>
      lic(
        { used },
        { id: 'old', seats: 50, termEnd: inDays(-1) },
        { id: 'next', seats: 50, termStart: inDays(1) },
        { id: 'now', seats: 4, termStart: inDays(-30), termEnd: inDays(0) },
      );
    expect(licenseOveruse(pool(4), ctx())).toBeUndefined();
    expect(licenseOveruse(pool(5), ctx())?.facts).toMatchObject({ seats: 4, used: 5 });
    const lapsed = lic({ used: 2 }, { seats: 10, termEnd: inDays(-10) });
    expect(licenseOveruse(lapsed, ctx())?.summary).toBe(
      'Acme CAD: 2 devices use it, 0 seats licensed, no entitlement in term (2 over)',
    );
  });
});
