import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Sample {
  wallS: number;
  cpuS: number;
  userS: number;
  sysS: number;
  peakRssMb: number;
}

export interface Summary {
  runs: number;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
}

const TIME = '/usr/bin/time';

/** GNU time reports user+sys of the command and every child it waited for, and the peak RSS. */
export function hasGnuTime(): boolean {
  try {
    execFileSync(TIME, ['-f', '%U', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a command once under GNU time with stdin closed (some agents wait on an open stdin)
 * and stdout discarded; the command redirects itself when its output is needed.
 */
export function measureOnce(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Sample> {
  const report = join(tmpdir(), `stocktake-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-o', report, '-f', '%e %U %S %M', cmd, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      let line = '';
      try {
        line = readFileSync(report, 'utf8').trim().split('\n').at(-1) ?? '';
      } catch {
        // reported below
      } finally {
        rmSync(report, { force: true });
      }
      const [wall, user, sys, rss] = line.split(' ').map(Number);
      if (
        code !== 0 ||
        wall === undefined ||
        user === undefined ||
        sys === undefined ||
        rss === undefined ||
        Number.isNaN(wall)
      ) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim() || line}`));
        return;
      }
      resolve({ wallS: wall, userS: user, sysS: sys, cpuS: user + sys, peakRssMb: rss / 1024 });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function summarise(samples: Sample[]): Summary {
  return {
    runs: samples.length,
    wallS: median(samples.map((s) => s.wallS)),
    cpuS: median(samples.map((s) => s.cpuS)),
    peakRssMb: median(samples.map((s) => s.peakRssMb)),
  };
}
