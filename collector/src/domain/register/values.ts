/** Values of the register (dates, money, months) in the forms the API and CSV files use. */

/** A calendar date `YYYY-MM-DD` that exists (no 31 February). */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * The date `months` after `isoDate`, clamped to the end of a shorter month
 * (2024-01-31 + 1 month = 2024-02-29): warranty terms end in the month they say.
 */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const total = m - 1 + months;
  const year = y + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whole months from `from` to `to` when `to` is exactly `from` plus that many months, else undefined. */
export function monthsBetween(from: string, to: string): number | undefined {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  const months = (ty - fy) * 12 + (tm - fm);
  return months >= 0 && addMonths(from, months) === to ? months : undefined;
}

/** A non-negative amount with at most two decimals, as minor units; undefined when not one. */
export function toCents(amount: number): number | undefined {
  if (!Number.isFinite(amount) || amount < 0 || amount > 1e13) return undefined;
  const cents = Math.round(amount * 100);
  return Math.abs(cents - amount * 100) < 1e-6 ? cents : undefined;
}

export function fromCents(cents: number | null): number | null {
  return cents === null ? null : cents / 100;
}

/** "1299.5" for CSV cells: two decimals, no thousands separator. */
export function formatCents(cents: number | null): string {
  return cents === null ? '' : (cents / 100).toFixed(2);
}
