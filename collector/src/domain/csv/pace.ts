/**
 * Long work on the event loop in slices: a loop asks `due()` between units of work and, when
 * the slice is spent, awaits `pause()`, which lets every waiting request, timer and socket run
 * before the work goes on. The collector answers health checks and agents while an import of
 * a hundred thousand rows is parsed, planned and written.
 */
export interface Pace {
  /** Whether the current slice is spent. */
  due(): boolean;
  /** Hands the event loop back (setImmediate: after pending I/O) and starts a new slice. */
  pause(): Promise<void>;
}

/**
 * Milliseconds of work between two pauses: short next to the 200 ms an agent or probe may wait,
 * since a request waits for the slice under way, and for every other slice and batch queued
 * before it in the same turn of the loop.
 */
export const DEFAULT_SLICE_MS = 10;

export function createPace(sliceMs: number = DEFAULT_SLICE_MS): Pace {
  let started = performance.now();
  return {
    due: () => performance.now() - started >= sliceMs,
    pause: () =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          started = performance.now();
          resolve();
        }),
      ),
  };
}

/** A pace that never pauses, for work that must stay in one turn of the loop (and for tests). */
export const NO_PAUSES: Pace = { due: () => false, pause: async () => {} };
