/**
 * Long work on the event loop in slices: a loop asks `due()` between units of work and, when
 * the slice is spent, awaits `pause()`, which lets every waiting request, timer and socket run
 * before the work goes on. The collector answers health checks and agents while an import of
 * a hundred thousand rows is parsed, planned and written.
 */
import { CATCH_UP_WAIT_MS, type WriteBacklog } from '../ports.ts';

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

/**
 * Requests someone is waiting for (agents, health checks, the API), which background work lets
 * go first. `quiet` resolves when none is in flight, or after `maxWaitMs` whatever happens.
 */
export interface Foreground {
  quiet(maxWaitMs: number): Promise<void>;
}

/**
 * Requests in flight, counted by the HTTP edge (begin when one arrives, end when it is answered
 * or abandoned), and the background work waiting for them to be done.
 */
export interface RequestsInFlight extends Foreground {
  /** A request arrived. */
  begin(): void;
  /** A request was answered or abandoned. */
  end(): void;
  readonly inFlight: number;
  /** Background work waiting for quiet now. */
  readonly waiting: number;
}

export function createForeground(): RequestsInFlight {
  let inFlight = 0;
  // A waiter that gave up leaves the set at once: under steady traffic the count may never reach
  // zero, and a long import pauses thousands of times.
  const waiters = new Set<() => void>();
  return {
    get inFlight() {
      return inFlight;
    },
    begin() {
      inFlight++;
    },
    end() {
      inFlight = Math.max(0, inFlight - 1);
      if (inFlight > 0) return;
      for (const wake of [...waiters]) wake();
    },
    quiet(maxWaitMs) {
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, maxWaitMs);
        waiters.add(wake);
      });
    },
    get waiting() {
      return waiters.size;
    },
  };
}

/** What each pause of a pace waits for, besides the next turn of the loop. */
export interface PaceWaits {
  /** The requests in flight, up to one slice's time. */
  foreground?: Foreground;
  /** The store, when the work's commits have left it behind (up to CATCH_UP_WAIT_MS). */
  store?: WriteBacklog;
}

/**
 * A pace of `sliceMs` slices. With a foreground, each pause also waits, up to one slice's time,
 * for the requests in flight to be answered: a request then waits for at most the slice under
 * way instead of one slice per turn of the loop it needs, and the work still gets at least half
 * the loop however busy the collector is. With a store, each pause lets the store catch up with
 * the work's commits, so that no later commit (an agent's snapshot) pays for all of them at once.
 */
export function createPace(sliceMs: number = DEFAULT_SLICE_MS, waits: PaceWaits = {}): Pace {
  let started = performance.now();
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const { foreground, store } = waits;
  return {
    due: () => performance.now() - started >= sliceMs,
    pause: async () => {
      await nextTurn();
      if (store) await store.caughtUp(CATCH_UP_WAIT_MS);
      if (foreground) await foreground.quiet(sliceMs);
      started = performance.now();
    },
  };
}

/** A pace that never pauses, for work that must stay in one turn of the loop (and for tests). */
export const NO_PAUSES: Pace = { due: () => false, pause: async () => {} };
