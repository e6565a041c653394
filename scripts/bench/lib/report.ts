import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const DOC = join(ROOT, 'docs', 'benchmarks.md');

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpu}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
}

/**
 * Replaces one benchmark's block in docs/benchmarks.md (between its markers), leaving the
 * other benchmarks' sections as they are; appends the block the first time.
 */
export function writeSection(id: string, markdown: string): void {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const doc = existsSync(DOC)
    ? readFileSync(DOC, 'utf8')
    : '# Benchmarks\n\nFigures written by `pnpm bench`; each section names the machine and date it ran on.\n';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${doc.slice(0, from)}${block}${doc.slice(to + end.length)}`
      : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, next);
}

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Runs kept in a benchmark's section as JSON in an HTML comment (`<!-- MARK [...] -->`), so a
 * run at one size replaces its own figures and keeps the others'. Those `keep` accepts are
 * returned; none when the section or its comment is missing or does not parse.
 */
export function keptRuns<T>(id: string, mark: string, keep: (run: T) => boolean): T[] {
  if (!existsSync(DOC)) return [];
  const doc = readFileSync(DOC, 'utf8');
  const from = doc.indexOf(`<!-- bench:${id}:start -->`);
  const to = doc.indexOf(`<!-- bench:${id}:end -->`);
  if (from < 0 || to < from) return [];
  const m = new RegExp(`<!-- ${mark} (.*?) -->`).exec(doc.slice(from, to));
  if (!m?.[1]) return [];
  try {
    const runs = JSON.parse(m[1]) as T[];
    return Array.isArray(runs) ? runs.filter(keep) : [];
  } catch {
    process.stderr.write(`${id}: the kept runs in docs/benchmarks.md do not parse; starting afresh\n`);
    return [];
  }
}

/** The comment keptRuns reads back. `--` may not appear in it: written `-\u002d`, which JSON reads as `--`. */
export function runsComment(mark: string, runs: readonly unknown[]): string {
  return `<!-- ${mark} ${JSON.stringify(runs).replace(/--/g, '-\\u002d')} -->`;
}
