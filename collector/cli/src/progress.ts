import type { Io } from './command.ts';
import { formatBytes } from './output.ts';

export interface Progress {
  update(done: number, total: number | undefined): void;
  /** The bytes are not moving while the collector works: say so, with the seconds it has taken. */
  wait(note: string): void;
  finish(): void;
}

const BAR = 30;
/** Transfers quicker than this show no bar at all. */
const SHOW_AFTER_MS = 300;
const REDRAW_MS = 100;
const TICK_MS = 250;

/** How the bar writes an amount: bytes by default, rows for an import job. */
export type Amount = (n: number) => string;

/** Bytes in binary units. */
export const formatAmountBytes: Amount = (n) => formatBytes(n) ?? `${n} B`;

/** Rows as a count. */
export const formatRows: Amount = (n) => `${n} row${n === 1 ? '' : 's'}`;

/** One bar line, e.g. `upload assets.csv [#######.......]  45%  1.2 MiB / 2.7 MiB`. */
export function renderProgress(
  label: string,
  done: number,
  total: number | undefined,
  amount: Amount = formatAmountBytes,
): string {
  if (total === undefined || total <= 0) return `${label}  ${amount(done)}`;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * BAR);
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${percent}  ${amount(done)} / ${amount(total)}`;
}

/**
 * A byte progress bar on stderr, redrawn in place; nothing at all unless stderr is a terminal,
 * so logs and pipes stay clean. While the collector works on a whole upload (or prepares an
 * export) the line counts the seconds, so a long import never looks hung.
 */
export function progressBar(
  io: Io,
  label: string,
  now: () => number = Date.now,
  amount: Amount = formatAmountBytes,
): Progress {
  if (!io.stderrIsTty) return { update() {}, wait() {}, finish() {} };
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  let done = 0;
  let total: number | undefined;
  let note: { text: string; since: number } | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;

  const draw = (force: boolean) => {
    const t = now();
    if (t - started < SHOW_AFTER_MS || (!force && t - lastDraw < REDRAW_MS)) return;
    lastDraw = t;
    drawn = true;
    const waiting = note ? `  ${note.text} ${Math.floor((t - note.since) / 1000)} s` : '';
    io.err(`\r\u001b[K${renderProgress(label, done, total, amount)}${waiting}`);
  };
  const stopTicking = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
  };

  return {
    update(bytes, size) {
      done = bytes;
      total = size;
      if (note) {
        note = undefined;
        stopTicking();
      }
      draw(size !== undefined && bytes >= size);
    },
    wait(text) {
      note = { text, since: now() };
      stopTicking();
      ticker = setInterval(() => draw(true), TICK_MS);
      ticker.unref();
    },
    finish() {
      stopTicking();
      if (drawn) io.err('\r\u001b[K');
    },
  };
}
