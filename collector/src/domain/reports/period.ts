import type { ReportQuery } from '@stocktake/shared/api';
import { ValidationError } from '../errors.ts';
import { quarterOf } from './dates.ts';

export interface Period {
  from: string;
  to: string;
}

function quarterStartOf(day: string): string {
  return quarterOf(day).start;
}

function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function named(period: string, today: string): Period {
  const year = Number(today.slice(0, 4));
  switch (period) {
    case 'this-quarter':
      return { from: quarterStartOf(today), to: today };
    case 'last-quarter': {
      const end = previousDay(quarterStartOf(today));
      return { from: quarterStartOf(end), to: end };
    }
    case 'this-month':
      return { from: monthStart(today), to: today };
    case 'last-month': {
      const end = previousDay(monthStart(today));
      return { from: monthStart(end), to: end };
    }
    case 'this-year':
      return { from: `${year}-01-01`, to: today };
    case 'last-year':
      return { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` };
  }
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) {
    const start = `${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
    return { from: start, to: quarterOf(start).end };
  }
  return { from: `${period}-01-01`, to: `${period}-12-31` };
}

/**
 * The days a report covers: a named period, or from and to (each defaulting to the current
 * quarter's start and today). A period that ends before it starts is refused.
 */
export function reportPeriod(query: Pick<ReportQuery, 'from' | 'to' | 'period'>, now: Date): Period {
  const today = now.toISOString().slice(0, 10);
  if (query.period && (query.from || query.to)) {
    throw new ValidationError('A period goes without from and to', [
      { field: 'period', message: 'goes without from and to' },
    ]);
  }
  const p = query.period
    ? named(query.period, today)
    : { from: query.from ?? quarterStartOf(today), to: query.to ?? today };
  if (p.to < p.from) {
    throw new ValidationError(`The period ends (${p.to}) before it starts (${p.from})`, [
      { field: 'to', message: `${p.to} is before from (${p.from})` },
    ]);
  }
  return p;
}
