import { describe, expect, it } from 'vitest';
import { parseWhen } from './dates.ts';
import { UsageError } from './errors.ts';

describe('parseWhen', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');

  it.each([
    ['7d', '2026-03-08T12:00:00.000Z'],
    ['+12h', '2026-03-02T00:00:00.000Z'],
    ['2w', '2026-03-15T12:00:00.000Z'],
    ['30m', '2026-03-01T12:30:00.000Z'],
    ['2026-04-01T09:30:00Z', '2026-04-01T09:30:00.000Z'],
    ['2026-04-01T09:30:00+02:00', '2026-04-01T07:30:00.000Z'],
  ])('%s → %s', (raw, expected) => {
    expect(parseWhen(raw, '--until', now)).toBe(expected);
  });

  it('reads a calendar date as local midnight', () => {
    expect(parseWhen('2026-04-01', '--until', now)).toBe(new Date(2026, 3, 1).toISOString());
  });

  it.each(['tomorrow', '2026-02-30', '7', '7y', '', '2026-13-01'])('refuses %j as a usage error', (raw) => {
    expect(() => parseWhen(raw, '--until', now)).toThrow(UsageError);
  });
});
