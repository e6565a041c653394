import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem } from '../../../test-support/routes.ts';
import { createTestApp, type TestApp } from '../../../test-support/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('validation problems', () => {
  it('names the fields when more than 8 unknown properties are sent', async () => {
    t = await createTestApp();
    const unknown = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`extra${i}`, i]));
    const res = await t.inject({ method: 'POST', url: '/api/v1/assets', payload: { assetTag: 'A-1', ...unknown } });
    expectProblem(res, 400, 'urn:stocktake:problem:validation');
    const errors = res.json().errors as { path: string; message: string }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(Object.keys(unknown)).toContain(error.path.slice(1));
      expect(error.message).toBe('is not a known property');
    }
    expect(res.json().detail).toContain(errors[0]?.path);
  });
});
