import { makeSnapshot } from '@stocktake/shared/testing';
import { describe, expect, it } from 'vitest';
import { chooseMessage } from './choose-message.ts';

const policy = { now: Date.now(), fullEveryMs: 86_400_000, lastFullAt: Date.now(), deltasSupported: true };
const usage = { sources: [{ via: 'atime' as const, since: '2024-01-01' }], entries: [] };

describe('chooseMessage and usage', () => {
  it('sends a delta while usage stays, and a full snapshot once metering stops (a delta cannot take usage away)', () => {
    const tip = { ...makeSnapshot(), usage };
    expect(chooseMessage(tip, { ...makeSnapshot(), usage }, policy).kind).toBe('delta');
    expect(chooseMessage(tip, makeSnapshot(), policy).kind).toBe('full');
  });
});
