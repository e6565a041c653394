import { describe, expect, it } from 'vitest';
import { parseRetryAfter, RETRY_AFTER_MAX_MS } from './retry-after.ts';

const NOW = Date.parse('2026-12-07T10:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Mon, 07 Dec 2026 10:05:00 GMT', 300_000],
    ['Monday, 07-Dec-26 10:01:00 GMT', 60_000],
    // A date already past: go now.
    ['Mon, 07 Dec 2026 09:00:00 GMT', 0],
    // Never longer than the ceiling, however long it asks.
    ['99999999', RETRY_AFTER_MAX_MS],
    ['Fri, 01 Jan 2100 00:00:00 GMT', RETRY_AFTER_MAX_MS],
  ])('%s waits %d ms', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });

  it.each([
    [undefined],
    [null],
    [''],
    ['-5'],
    ['1.5'],
    ['soon'],
    ['2026-12-07T10:05:00Z'],
    ['Mon, 07 Dec 2026 10:05:00'],
  ])('ignores %s', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });
});
