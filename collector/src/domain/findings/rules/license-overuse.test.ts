import { describe, expect, it } from 'vitest';
import { lic } from '../rule-fixtures.ts';
import { licenseOveruse } from './license-overuse.rule.ts';

describe('license_overuse', () => {
  it('overuse: more used than seats, by the metric', () => {
    expect(licenseOveruse(lic())).toBeUndefined();
    expect(licenseOveruse(lic({ used: 11 }))?.summary).toBe('Acme CAD: 11 devices use it, 10 seats licensed (1 over)');
    expect(licenseOveruse(lic({ used: 12, metric: 'per_user' }))?.summary).toContain('12 users');
  });
});
