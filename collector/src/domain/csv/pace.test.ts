import { describe, expect, it } from 'vitest';
import { createForeground, createPace } from './pace.ts';

const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('requests in flight, which background work lets go first', () => {
  it('is quiet at once when no request is in flight', async () => {
    const foreground = createForeground();
    const started = performance.now();
    await foreground.quiet(1000);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('is quiet when the last request in flight ends', async () => {
    const foreground = createForeground();
    foreground.begin();
    foreground.begin();
    let quiet = false;
    const waiting = foreground.quiet(10_000).then(() => {
      quiet = true;
    });
    foreground.end();
    await after(5);
    expect(quiet).toBe(false);
    expect(foreground.waiting).toBe(1);
    foreground.end();
    await waiting;
    expect(foreground.inFlight).toBe(0);
    expect(foreground.waiting).toBe(0);
  });

  it('stops waiting after the longest wait, however busy', async () => {
    const foreground = createForeground();
    foreground.begin();
    const started = performance.now();
    await foreground.quiet(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(foreground.inFlight).toBe(1);
    // Nothing of that wait is kept while the request goes on.
    await Promise.all([foreground.quiet(1), foreground.quiet(1)]);
    expect(foreground.waiting).toBe(0);
  });

  it('never counts below zero', () => {
    const foreground = createForeground();
    foreground.end();
    foreground.begin();
    expect(foreground.inFlight).toBe(1);
  });
});

describe('a pace with a foreground', () => {
  it('waits at each pause for the requests in flight, up to one slice', async () => {
    const foreground = createForeground();
    const pace = createPace(40, { foreground });
    foreground.begin();
    setTimeout(() => foreground.end(), 10);
    let started = performance.now();
    await pace.pause();
    const untilEnd = performance.now() - started;
    expect(untilEnd).toBeGreaterThanOrEqual(8);
    expect(untilEnd).toBeLessThan(40);

    foreground.begin();
    started = performance.now();
    await pace.pause();
    // Nobody ends it: the pause gives up after the slice's 40 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(pace.due()).toBe(false);
  });
});
