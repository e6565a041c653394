/**
 * The longest wait a `Retry-After` can impose: long enough for any maintenance window, short
 * enough that a wrong or hostile answer cannot park the agent for good.
 */
export const RETRY_AFTER_MAX_MS = 6 * 3_600_000;

/**
 * Milliseconds to wait from a `Retry-After` header (RFC 9110: delay-seconds or an HTTP-date),
 * at most RETRY_AFTER_MAX_MS; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    // The GMT date forms HTTP allows (IMF-fixdate, RFC 850), not whatever Date.parse would guess from.
    if (!/^[A-Za-z]{3,9}, .+ GMT$/.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, RETRY_AFTER_MAX_MS);
}
