import { UsageError } from './errors.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * A moment as a person types it: `2026-03-01` (local midnight), an ISO date-time
 * (`2026-03-01T09:00:00Z`), or a span from now (`30m`, `12h`, `7d`, `2w`). Returned as ISO 8601 UTC.
 */
export function parseWhen(raw: string, flag: string, now: Date = new Date()): string {
  const span = /^\+?(\d{1,5})([mhdw])$/.exec(raw);
  if (span) return new Date(now.getTime() + Number(span[1]) * (UNIT_MS[span[2] ?? 'd'] ?? 0)).toISOString();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const local = new Date(year, month - 1, date);
    if (local.getFullYear() === year && local.getMonth() === month - 1 && local.getDate() === date) {
      return local.toISOString();
    }
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) && !Number.isNaN(Date.parse(raw))) {
    return new Date(raw).toISOString();
  }
  throw new UsageError(
    `${flag} takes a date (2026-03-01), a date-time (2026-03-01T09:00:00Z) or a span (7d, 12h, 2w); got "${raw}"`,
  );
}
