/**
 * Exponential backoff with jitter: the ceiling doubles per attempt up to `maxMs`, and the delay
 * is drawn from its upper half, so a fleet that lost the collector together does not return
 * together, yet no agent retries sooner than half the ceiling.
 */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
