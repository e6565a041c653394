import type { Snapshot, SoftwareItem } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { createContext } from '../collectors/context.ts';
import { usageCollectors } from '../collectors/registry/usage.ts';
import { collectUsage, usageContext } from './collect-usage.ts';
import { PackageIndex } from './package-index.ts';
import { ProcessSampler } from './process-sampler.ts';

export interface MeteringOptions {
  stateDir: string;
  hostRoot: string;
  sampleMs: number;
  timeoutMs: number;
  log: Logger;
}

/**
 * Software metering in `run`: samples the running programs on a timer (Linux, where /proc shows
 * them; elsewhere the OS's own records are read at inventory time) and adds the usage part to
 * a snapshot. The timer is unref'd: it never keeps the process alive on its own.
 */
export class Metering {
  private readonly sampler: ProcessSampler | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<unknown> | undefined;

  constructor(private readonly options: MeteringOptions) {
    const ctx = createContext({ log: options.log, root: options.hostRoot, timeoutMs: options.timeoutMs });
    this.sampler =
      process.platform === 'linux'
        ? new ProcessSampler({ ctx, index: new PackageIndex(ctx), stateDir: options.stateDir, log: options.log })
        : undefined;
  }

  start(): void {
    if (!this.sampler || this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.options.sampleMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample now (the timer's work; a sample under way is not doubled). */
  sample(): Promise<unknown> {
    if (!this.sampler) return Promise.resolve();
    this.sampling ??= this.sampler
      .sample()
      .catch((err: unknown) => this.options.log.warn({ err }, 'process sampling failed'))
      .finally(() => {
        this.sampling = undefined;
      });
    return this.sampling;
  }

  /** The snapshot with its usage part, read against the software it lists. */
  async attach(snapshot: Snapshot): Promise<Snapshot> {
    const { log, hostRoot, timeoutMs } = this.options;
    const software: readonly SoftwareItem[] = snapshot.sections.software.data ?? [];
    const ctx = usageContext(createContext({ log, root: hostRoot, timeoutMs }));
    const usage = await collectUsage({
      collectors: await usageCollectors(),
      ctx,
      software,
      ...(this.sampler ? { seen: this.sampler.state() } : {}),
    });
    return { ...snapshot, usage };
  }
}
