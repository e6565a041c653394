import type { Io } from './command.ts';
import { formatBytes } from './output.ts';

export interface Progress {
  update(done: number, total: number | undefined): void;
  finish(): void;
}

const BAR = 30;
/** Transfers quicker than this show no bar at all. */
const SHOW_AFTER_MS = 300;
const REDRAW_MS = 100;

/** One bar line, e.g. `upload assets.csv [#######.......]  45%  1.2 MiB / 2.7 MiB`. */
export function renderProgress(label: string, done: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return `${label}  ${formatBytes(done)}`;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * BAR);
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${percent}  ${formatBytes(done)} / ${formatBytes(total)}`;
}

/**
 * A byte progress bar on stderr, redrawn in place; nothing at all unless stderr is a terminal,
 * so logs and pipes stay clean.
 */
export function progressBar(io: Io, label: string, now: () => number = Date.now): Progress {
  if (!io.stderrIsTty) return { update() {}, finish() {} };
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      const complete = total !== undefined && done >= total;
      if (t - started < SHOW_AFTER_MS || (t - lastDraw < REDRAW_MS && !complete)) return;
      lastDraw = t;
      drawn = true;
      io.err(`\r\u001b[K${renderProgress(label, done, total)}`);
    },
    finish() {
      if (drawn) io.err('\r\u001b[K');
    },
  };
}
