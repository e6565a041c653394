import type { Report, ReportCell, ReportColumn, ReportSection } from '@stocktake/shared/api';
import PDFDocument from 'pdfkit';

const MARGIN = 40;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const BODY_SIZE = 7.5;
const CELL_PAD = 3;

/**
 * The standard PDF fonts speak Windows-1252 only: characters outside it are spelled with ones
 * inside, so no figure or name turns into boxes.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function printable(text: string): string {
  let out = '';
  for (const c of text.replace(/→/g, '->')) {
    const code = c.codePointAt(0) ?? 0;
    const plain = c === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
    out += plain || WIN_ANSI_EXTRA.has(c) ? c : '?';
  }
  return out;
}

function money(n: number): string {
  return n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A cell as the PDF prints it: money with two decimals and thousands separators, shares as percentages. */
export function cellText(value: ReportCell, kind: ReportColumn['kind']): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'number') {
    if (kind === 'money') return money(value);
    if (kind === 'percent') return `${(Math.round(value * 1000) / 10).toString()}%`;
    return value.toLocaleString('en-GB');
  }
  return printable(String(value));
}

type Doc = PDFKit.PDFDocument;

function titlePage(doc: Doc, report: Report): void {
  doc.font(BOLD).fontSize(26).text(printable(report.title), { align: 'left' });
  doc.moveDown(0.5);
  doc.font(FONT).fontSize(13);
  doc.text(`Period: ${report.period.from} to ${report.period.to}`);
  doc.text(`Collector: ${printable(report.collector)}`);
  doc.text(`Generated: ${report.generatedAt.replace('T', ' ').slice(0, 19)} UTC`);
  doc.text(`Currency: ${report.currency}`);
  doc.moveDown(1);
  doc.font(BOLD).fontSize(13).text('Summary');
  doc.moveDown(0.3);
  doc.fontSize(11);
  for (const s of report.summary) {
    const value = cellText(s.value, s.kind);
    doc
      .font(FONT)
      .text(`${printable(s.label)}: `, { continued: true })
      .font(BOLD)
      .text(value === '' ? '-' : value);
  }
  doc.moveDown(1);
  doc
    .font(FONT)
    .fontSize(10)
    .text(`Contents: ${report.sections.map((s) => printable(s.title)).join(' · ')}`);
}

/** Column widths: by the longest text in each (header words or cells), shared out over the page's width. */
function columnWidths(doc: Doc, section: ReportSection, texts: string[][], width: number): number[] {
  doc.font(FONT).fontSize(BODY_SIZE);
  const wanted = section.columns.map((c, i) => {
    const longestWord = Math.max(...c.header.split(' ').map((w) => doc.widthOfString(printable(w))));
    const longestCell = Math.max(0, ...texts.map((row) => doc.widthOfString(row[i] ?? '')));
    return Math.max(longestWord + 2 * CELL_PAD + 2, Math.min(longestCell + 2 * CELL_PAD, 220));
  });
  const total = wanted.reduce((n, w) => n + w, 0);
  return wanted.map((w) => (w / total) * width);
}

function rowHeight(doc: Doc, cells: string[], widths: number[], font: string): number {
  doc.font(font).fontSize(BODY_SIZE);
  return (
    Math.max(...cells.map((t, i) => doc.heightOfString(t || ' ', { width: (widths[i] ?? 0) - 2 * CELL_PAD }))) +
    2 * CELL_PAD
  );
}

function drawRow(doc: Doc, cells: string[], widths: number[], columns: ReportColumn[], y: number, header: boolean) {
  const height = rowHeight(doc, cells, widths, header ? BOLD : FONT);
  if (header)
    doc
      .rect(
        MARGIN,
        y,
        widths.reduce((n, w) => n + w, 0),
        height,
      )
      .fill('#e8e8e8');
  doc
    .fillColor('black')
    .font(header ? BOLD : FONT)
    .fontSize(BODY_SIZE);
  let x = MARGIN;
  cells.forEach((text, i) => {
    const w = widths[i] ?? 0;
    const kind = columns[i]?.kind;
    const numeric = !header && (kind === 'money' || kind === 'number' || kind === 'percent');
    doc.text(text, x + CELL_PAD, y + CELL_PAD, { width: w - 2 * CELL_PAD, align: numeric ? 'right' : 'left' });
    x += w;
  });
  doc
    .moveTo(MARGIN, y + height)
    .lineTo(x, y + height)
    .lineWidth(0.3)
    .strokeColor('#999999')
    .stroke();
  return height;
}

/**
 * A table that breaks across pages between rows, never inside one, with its header repeated at
 * the top of each page it continues on.
 */
function table(doc: Doc, section: ReportSection): void {
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - 20;
  const texts = section.rows.map((row) => section.columns.map((c) => cellText(row[c.key] ?? null, c.kind)));
  const widths = columnWidths(doc, section, texts, width);
  const header = section.columns.map((c) => printable(c.header));
  const headerHeight = rowHeight(doc, header, widths, BOLD);
  let y = doc.y;
  if (y + headerHeight + 20 > bottom()) {
    doc.addPage();
    y = MARGIN;
  }
  y += drawRow(doc, header, widths, section.columns, y, true);
  for (const cells of texts) {
    const h = rowHeight(doc, cells, widths, FONT);
    if (y + h > bottom()) {
      doc.addPage();
      y = MARGIN;
      doc
        .font(FONT)
        .fontSize(BODY_SIZE)
        .fillColor('#555555')
        .text(`${printable(section.title)} (continued)`, MARGIN, y);
      y = doc.y + 2;
      y += drawRow(doc, header, widths, section.columns, y, true);
    }
    y += drawRow(doc, cells, widths, section.columns, y, false);
  }
  if (texts.length === 0) {
    doc
      .font(FONT)
      .fontSize(BODY_SIZE)
      .fillColor('black')
      .text('(none)', MARGIN + CELL_PAD, y + CELL_PAD);
    y = doc.y;
  }
  doc.x = MARGIN;
  doc.y = y + 12;
}

function footers(doc: Doc, report: Report): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would otherwise make pdfkit start a new page.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor('#555555')
      .text(
        `${printable(report.title)} · ${report.period.from} to ${report.period.to} · ${printable(report.collector)} · Page ${i + 1} of ${range.count}`,
        MARGIN,
        doc.page.height - MARGIN + 10,
        { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false },
      );
    doc.page.margins.bottom = bottomMargin;
  }
}

/** The report as a PDF: a title page (period, collector, summary), then a table per section, pages numbered. */
export function reportPdf(report: Report): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: report.title, Author: report.collector, Subject: `${report.period.from} to ${report.period.to}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  titlePage(doc, report);
  for (const s of report.sections) {
    doc.addPage();
    doc.fillColor('black').font(BOLD).fontSize(14).text(printable(s.title));
    if (s.note) doc.font(FONT).fontSize(8.5).fillColor('#333333').text(printable(s.note));
    doc.moveDown(0.5);
    table(doc, s);
  }
  footers(doc, report);
  doc.end();
  return done;
}
