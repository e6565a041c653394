import type { Snapshot, SoftwareItem, SoftwareSource } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { createContext } from '../collectors/context.ts';
import { processSource, usageCollectors } from '../collectors/registry/usage.ts';
import { collectUsage, usageContext } from './collect-usage.ts';
import { ProcessSampler } from './process-sampler.ts';
import type { InstalledSoftware } from './process-source.ts';

export interface MeteringOptions {
  stateDir: string;
  hostRoot: string;
  sampleMs: number;
  timeoutMs: number;
  log: Logger;
  /** The software of the last snapshot kept from before a restart, to map programs until the next inventory. */
  software?: readonly SoftwareItem[];
}

/**
 * Software metering in `run`: samples the running programs on a timer, from this OS's process
 * list (/proc on Linux, `ps` on macOS, PowerShell's Get-Process on Windows), and adds the usage
 * part to a snapshot. On Windows and macOS programs are mapped to the installed items of the
 * last inventory; until one is known a sample maps nothing. The timer is unref'd: it never keeps
 * the process alive on its own.
 */
export class Metering {
  private sampler: ProcessSampler | undefined;
  private software: InstalledSoftware | undefined;
  private covers: readonly SoftwareSource[] | undefined;
  private ready: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<unknown> | undefined;

  constructor(private readonly options: MeteringOptions) {}

  /** The sampler of this platform, made once (its OS module is loaded on demand). */
  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      const { log, hostRoot, timeoutMs, stateDir } = this.options;
      // Without a process list the OS's own records still give usage: a failure here stays here.
      const found = await processSource(createContext({ log, root: hostRoot, timeoutMs })).catch((err: unknown) => {
        log.warn({ err }, 'process list unavailable; metering goes without sampling');
        return undefined;
      });
      if (!found) return;
      this.software = found.software;
      this.covers = found.source.covers;
      if (this.options.software) this.software?.use(this.options.software);
      this.sampler = new ProcessSampler({ source: found.source, stateDir, log });
    })();
    return this.ready;
  }

  start(): void {
    if (this.timer) return;
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
    this.sampling ??= this.prepare()
      .then(() => this.sampler?.sample())
      .catch((err: unknown) => this.options.log.warn({ err }, 'process sampling failed'))
      .finally(() => {
        this.sampling = undefined;
      });
    return this.sampling;
  }

  /** A new inventory's software: what programs are mapped to from now on (Windows, macOS). */
  noteSoftware(snapshot: Snapshot): void {
    const software = snapshot.sections.software.data;
    if (software) void this.prepare().then(() => this.software?.use(software));
  }

  /** The snapshot with its usage part, read against the software it lists. */
  async attach(snapshot: Snapshot): Promise<Snapshot> {
    const { log, hostRoot, timeoutMs } = this.options;
    const software: readonly SoftwareItem[] = snapshot.sections.software.data ?? [];
    await this.prepare();
    const ctx = usageContext(createContext({ log, root: hostRoot, timeoutMs }));
    const usage = await collectUsage({
      collectors: await usageCollectors(),
      ctx,
      software,
      ...(this.sampler && this.covers ? { seen: { ...this.sampler.state(), covers: this.covers } } : {}),
    });
    return { ...snapshot, usage };
  }
}
