import { describe, expect, it } from 'vitest';
import type { Io } from './command.ts';
import { progressBar, renderProgress } from './progress.ts';

function io(tty: boolean): Io & { written: string[] } {
  const written: string[] = [];
  return {
    written,
    out: () => {},
    err: (t) => written.push(t),
    stdoutColumns: undefined,
    stderrIsTty: tty,
    env: {},
  };
}

describe('progress', () => {
  it('renders a bar with share and sizes, or bytes alone when the total is unknown', () => {
    expect(renderProgress('upload a.csv', 512 * 1024, 1024 * 1024)).toBe(
      `upload a.csv [${'#'.repeat(15)}${'.'.repeat(15)}]  50%  512 KiB / 1.0 MiB`,
    );
    expect(renderProgress('download', 2048, undefined)).toBe('download  2.0 KiB');
  });

  it('draws nothing when stderr is not a terminal', () => {
    const target = io(false);
    const bar = progressBar(target, 'x', () => 10_000);
    bar.update(1, 2);
    bar.finish();
    expect(target.written).toEqual([]);
  });

  it('draws in place on a terminal once a transfer takes long enough, and clears the line at the end', () => {
    const target = io(true);
    let now = 0;
    const bar = progressBar(target, 'upload', () => now);
    bar.update(10, 100);
    expect(target.written).toEqual([]);
    now = 400;
    bar.update(50, 100);
    now = 420;
    bar.update(60, 100);
    now = 430;
    bar.update(100, 100);
    bar.finish();
    // 60% came too soon after 50% to redraw; the end always draws.
    expect(target.written).toHaveLength(3);
    expect(target.written[0]).toBe(`\r\u001b[K${renderProgress('upload', 50, 100)}`);
    expect(target.written[1]).toMatch(/100%/);
    expect(target.written[2]).toBe('\r\u001b[K');
  });
});

describe('progress while the collector works', () => {
  it('counts the seconds after the last byte, and stops when bytes move again', async () => {
    const target = io(true);
    let now = 0;
    const bar = progressBar(target, 'upload', () => now);
    bar.update(100, 100);
    bar.wait('collector importing');
    now = 2_400;
    await new Promise((r) => setTimeout(r, 300));
    bar.finish();
    expect(target.written.at(-2)).toBe(`\r\u001b[K${renderProgress('upload', 100, 100)}  collector importing 2 s`);
    expect(target.written.at(-1)).toBe('\r\u001b[K');
  });
});
