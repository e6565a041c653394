import type { Report, ReportSection } from '@stocktake/shared/api';
import { writeCsv } from '../../domain/csv/csv.ts';
import { flatText } from '../../domain/reports/flat-text.ts';

/** The section a CSV carries: the one named, else the report's first. Undefined for an unknown name. */
export function csvSection(report: Report, name: string | undefined): ReportSection | undefined {
  return name === undefined ? report.sections[0] : report.sections.find((s) => s.name === name);
}

/**
 * One table of a report as CSV: a header of column keys, then a row per row, every cell plain
 * text (numbers as they are, with a point for decimals, so spreadsheets read them as numbers).
 */
export function reportCsv(section: ReportSection): string {
  const keys = section.columns.map((c) => c.key);
  return writeCsv(
    keys,
    section.rows.map((row) => keys.map((k) => flatText(row[k]))),
  );
}
