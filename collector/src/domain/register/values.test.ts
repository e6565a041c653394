import { describe, expect, it } from 'vitest';
import { addMonths, isIsoDate, monthsBetween, toCents } from './values.ts';

describe('register values', () => {
  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-13-01')).toBe(false);
    expect(isIsoDate('2023-1-01')).toBe(false);
  });

  it('adds months, clamping to the end of shorter months', () => {
    expect(addMonths('2023-01-15', 36)).toBe('2026-01-15');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-11-30', 3)).toBe('2024-02-29');
    expect(addMonths('2023-05-10', 0)).toBe('2023-05-10');
    expect(monthsBetween('2023-01-15', '2026-01-15')).toBe(36);
    expect(monthsBetween('2023-01-15', '2026-01-16')).toBeUndefined();
  });

  it('turns amounts into exact cents', () => {
    expect(toCents(1299.5)).toBe(129950);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents(1.005)).toBeUndefined();
    expect(toCents(-1)).toBeUndefined();
  });
});
