/** Calendar days (YYYY-MM-DD, UTC) as the money reports count them. */

const DAY_MS = 86_400_000;

export function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export function dayOf(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The day `months` calendar months after `day`; the 31st of a shorter month falls on its last day. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}

/** A calendar quarter: its label (2027-Q1) and first and last days. */
export interface Quarter {
  label: string;
  start: string;
  end: string;
}

export function quarterOf(day: string): Quarter {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return quarterAt(y, Math.floor((m - 1) / 3));
}

function quarterAt(year: number, index: number): Quarter {
  const y = year + Math.floor(index / 4);
  const q = ((index % 4) + 4) % 4;
  const start = new Date(Date.UTC(y, q * 3, 1)).toISOString().slice(0, 10);
  const end = new Date(Date.UTC(y, q * 3 + 3, 0)).toISOString().slice(0, 10);
  return { label: `${y}-Q${q + 1}`, start, end };
}

/** `count` quarters from the one holding `day`. */
export function quartersFrom(day: string, count: number): Quarter[] {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const first = Math.floor((m - 1) / 3);
  return Array.from({ length: count }, (_, i) => quarterAt(y, first + i));
}

/** Money rounded to cents, as the books keep it. */
export function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
