import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '@stocktake/shared/core';
import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { type CollectorClient, createCollectorClient } from '../client.ts';
import { createContext } from '../collectors/context.ts';
import { platformCollectors } from '../collectors/index.ts';
import type { AgentConfig } from '../config/schema.ts';
import { collectSnapshot } from '../inventory/collect-snapshot.ts';
import { Outbox } from '../spool/outbox.ts';
import { Sender } from '../spool/sender.ts';
import { Metering } from '../usage/metering.ts';
import { AGENT_VERSION } from '../version.ts';
import { LiveChannel } from './channel.ts';
import { Session } from './session.ts';
import { acquireStateLock } from './state-lock.ts';
import { type AgentStatus, writeStatusFile } from './status-file.ts';

export type RunReason = 'start' | 'schedule' | 'refresh' | 'missed';

export interface RuntimeOptions {
  config: AgentConfig;
  log: Logger;
  /** Replaces local collection (tests, benchmarks). */
  collect?: (agentId: string | undefined) => Promise<Snapshot>;
}

/** How often the agent checks the wall clock for work a suspended machine slept through. */
const CLOCK_CHECK_MS = 60_000;

/** Snapshot collection with the config's host root, cache and time limit. */
export async function collectInventory(
  config: AgentConfig,
  log: Logger,
  agentId: string | undefined,
): Promise<Snapshot> {
  return collectSnapshot({
    collectors: await platformCollectors(),
    ctx: createContext({
      log,
      root: config.hostRoot,
      timeoutMs: config.collectorTimeoutMs,
      cacheDir: join(config.stateDir, 'cache'),
    }),
    agent: { ...(agentId ? { id: agentId } : {}), version: AGENT_VERSION },
  });
}

/**
 * `stocktake-agent run`: inventories on the cron schedule (plus splay), at start-up and on
 * request over the live channel; queues each one durably; delivers the queue in order. Idle,
 * it holds a few timers and one socket: no polling.
 */
export class AgentRuntime {
  private readonly client: CollectorClient;
  private readonly startedAt = new Date().toISOString();
  private task: ScheduledTask | undefined;
  private clockCheck: NodeJS.Timeout | undefined;
  private collecting: Promise<void> | undefined;
  private expectedRunAt: number | undefined;
  private lastRunAt: string | undefined;
  private lastRunError: string | undefined;
  private stopping = false;
  private readonly metering: Metering | undefined;

  private constructor(
    private readonly options: RuntimeOptions,
    private readonly outbox: Outbox,
    private readonly session: Session,
    private readonly sender: Sender,
    private readonly channel: LiveChannel | undefined,
    private readonly releaseLock: () => void,
  ) {
    this.client = session.client;
    const { config, log } = options;
    this.metering = config.metering.enabled
      ? new Metering({
          stateDir: config.stateDir,
          hostRoot: config.hostRoot,
          sampleMs: config.metering.sampleMs,
          timeoutMs: config.collectorTimeoutMs,
          log,
          ...(outbox.lastAcknowledged?.snapshot.sections.software.data
            ? { software: outbox.lastAcknowledged.snapshot.sections.software.data }
            : {}),
        })
      : undefined;
  }

  static async start(options: RuntimeOptions): Promise<AgentRuntime> {
    const { config, log } = options;
    mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
    const releaseLock = acquireStateLock(config.stateDir);
    try {
      const client = createCollectorClient({ serverUrl: config.server, network: config.network });
      // Loaded only when needed, as the HTTP client's undici is.
      const socketOptions =
        config.liveChannel && (config.network.ca || config.network.proxy)
          ? (await import('../network/websocket-options.ts')).websocketOptions(config.network)
          : undefined;
      let runtime: AgentRuntime | undefined;
      const session = await Session.open({
        client,
        stateDir: config.stateDir,
        log,
        onEnrolled: () => {
          runtime?.channel?.restart();
          runtime?.writeStatus();
        },
        ...(config.enrollSecret ? { enrollSecret: config.enrollSecret } : {}),
      });
      const outbox = Outbox.open(config.stateDir, config.spool, log);
      const sender = new Sender({
        outbox,
        session,
        client,
        log,
        retry: config.retry,
        onChange: () => runtime?.afterDelivery(),
      });
      const channel = config.liveChannel
        ? new LiveChannel({
            serverUrl: client.serverUrl,
            ...(socketOptions ? { socketOptions } : {}),
            token: () => session.credentials?.agentToken,
            heartbeatMs: config.schedule.heartbeatMs,
            retry: config.retry,
            log,
            onRefresh: (requestId) => {
              log.info({ requestId }, 'inventory requested by the collector');
              runtime?.trigger('refresh');
            },
            onAccepted: (token) => {
              session.confirm(token).catch((err: unknown) => log.warn({ err }, 'cannot record the token as accepted'));
            },
            onUnauthorized: async (token) => {
              await session.reenrol(token);
            },
            onChange: (connected) => {
              // Back online: whatever waits in the outbox can go now.
              if (connected) void sender.kick();
              runtime?.writeStatus();
            },
            heartbeatFacts: () => ({
              ...(runtime?.nextRunAt() ? { nextRunAt: runtime.nextRunAt() } : {}),
              spoolDepth: outbox.depth,
            }),
          })
        : undefined;
      runtime = new AgentRuntime(options, outbox, session, sender, channel, releaseLock);
      runtime.begin();
      return runtime;
    } catch (err) {
      releaseLock();
      throw err;
    }
  }

  private begin(): void {
    const { config, log } = this.options;
    this.task = createTask(config.schedule.inventory, () => this.trigger('schedule'), {
      name: 'inventory',
      maxRandomDelay: config.schedule.splayMs,
      logger: {
        info: (m) => log.debug(m),
        warn: (m) => log.debug(m),
        error: (m, err) => log.error({ err }, String(m)),
        debug: (m) => log.debug(m instanceof Error ? m.message : m),
      },
    });
    void this.task.start();
    this.expectedRunAt = this.task.getNextRun()?.getTime();
    this.clockCheck = setInterval(() => this.checkClock(), CLOCK_CHECK_MS);
    this.channel?.start();
    this.metering?.start();
    log.info(
      {
        server: config.server,
        schedule: config.schedule.inventory,
        stateDir: config.stateDir,
        hostRoot: config.hostRoot,
        queued: this.outbox.depth,
        liveChannel: config.liveChannel,
      },
      'agent running',
    );
    this.writeStatus();
    if (config.schedule.runAtStart) this.trigger('start');
    else void this.sender.kick();
  }

  nextRunAt(): string | undefined {
    return this.task?.getNextRun()?.toISOString();
  }

  /**
   * Takes an inventory now unless one is under way (its snapshot answers this request too).
   * Returns when it is queued and a send has started.
   */
  trigger(reason: RunReason): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (this.collecting) return this.collecting;
    this.collecting = this.runInventory(reason).finally(() => {
      this.collecting = undefined;
    });
    return this.collecting;
  }

  private async runInventory(reason: RunReason): Promise<void> {
    const { config, log } = this.options;
    this.lastRunAt = new Date().toISOString();
    this.expectedRunAt = this.task?.getNextRun()?.getTime();
    const agentId = this.session.credentials?.agentId;
    try {
      const collected = await (this.options.collect ?? ((id) => collectInventory(config, log, id)))(agentId);
      const snapshot = await this.withUsage(collected);
      const { entry, folded } = this.outbox.enqueue(snapshot, { fullEveryMs: config.schedule.fullEveryMs });
      delete this.lastRunError;
      log.info(
        {
          reason,
          snapshotId: entry.snapshotId,
          kind: entry.kind,
          ...(entry.baseSnapshotId ? { baseSnapshotId: entry.baseSnapshotId } : {}),
          seq: entry.seq,
          bytesOnDisk: entry.bytes,
          queued: this.outbox.depth,
          ...(folded ? { folded } : {}),
        },
        'snapshot queued',
      );
    } catch (err) {
      this.lastRunError = (err as Error).message;
      log.error({ err, reason }, 'inventory failed');
    }
    this.writeStatus();
    if (!this.stopping) void this.sender.kick();
  }

  /**
   * Usage goes only to a collector that said it takes it (an older one refuses a member it
   * does not know, for good): until its first acknowledgement says so, snapshots go without.
   */
  private async withUsage(snapshot: Snapshot): Promise<Snapshot> {
    this.metering?.noteSoftware(snapshot);
    if (!this.metering || !this.outbox.lastAcknowledged?.accepts?.includes('usage')) return snapshot;
    try {
      return await this.metering.attach(snapshot);
    } catch (err) {
      this.options.log.warn({ err }, 'software metering failed; the snapshot goes without usage');
      return snapshot;
    }
  }

  /** Timers do not run while a laptop sleeps; the wall clock does. Catch up on what was slept through. */
  private checkClock(): void {
    const now = Date.now();
    this.sender.kickIfOverdue(now);
    const due = this.expectedRunAt;
    if (due !== undefined && now > due + this.options.config.schedule.splayMs + CLOCK_CHECK_MS && !this.collecting) {
      this.options.log.info({ due: new Date(due).toISOString() }, 'scheduled inventory missed (machine asleep?)');
      void this.trigger('missed');
    }
  }

  private afterDelivery(): void {
    if (this.channel && !this.channel.connected) this.channel.nudge();
    this.writeStatus();
  }

  status(): AgentStatus {
    const { config } = this.options;
    const credentials = this.session.credentials;
    const delivery = this.sender.state;
    const acked = this.outbox.lastAcknowledged;
    const next = this.nextRunAt();
    const lastSuccessAt = delivery.lastSuccessAt ?? acked?.ackedAt;
    const lastSnapshotId = delivery.lastSnapshotId ?? acked?.snapshot.snapshotId;
    const deviceId = delivery.deviceId ?? acked?.deviceId;
    return {
      pid: process.pid,
      state: this.stopping ? 'stopped' : 'running',
      startedAt: this.startedAt,
      updatedAt: new Date().toISOString(),
      server: this.client.serverUrl,
      schedule: config.schedule.inventory,
      splaySeconds: config.schedule.splayMs / 1000,
      enrolled: credentials !== undefined,
      ...(credentials ? { agentId: credentials.agentId } : {}),
      ...(deviceId ? { deviceId } : {}),
      liveChannel: !this.channel ? 'disabled' : this.channel.connected ? 'connected' : 'disconnected',
      ...(this.lastRunAt ? { lastRunAt: this.lastRunAt } : {}),
      ...(this.lastRunError ? { lastRunError: this.lastRunError } : {}),
      ...(next && !this.stopping ? { nextRunAt: next } : {}),
      ...(lastSuccessAt ? { lastSuccessAt } : {}),
      ...(lastSnapshotId ? { lastSnapshotId } : {}),
      ...(delivery.lastError ? { lastError: delivery.lastError } : {}),
      ...(delivery.lastErrorAt ? { lastErrorAt: delivery.lastErrorAt } : {}),
      ...(delivery.retryAt !== undefined ? { nextRetryAt: new Date(delivery.retryAt).toISOString() } : {}),
      spool: { depth: this.outbox.depth, bytes: this.outbox.bytes },
    };
  }

  writeStatus(): void {
    try {
      writeStatusFile(this.options.config.stateDir, this.status());
    } catch (err) {
      this.options.log.warn({ err }, 'cannot write the status file');
    }
  }

  /**
   * Graceful stop: no new work; an inventory under way gets a few seconds to be queued; a send
   * under way gets `sendGraceMs` to be acknowledged, then is abandoned (it stays queued, and a
   * resend is recognised by its id).
   */
  async stop(options: { collectGraceMs?: number; sendGraceMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.options.log.info('stopping');
    await this.task?.destroy();
    clearInterval(this.clockCheck);
    this.metering?.stop();
    this.channel?.stop();
    if (this.collecting) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.collecting,
        new Promise<void>((r) => {
          timer = setTimeout(r, options.collectGraceMs ?? 5000);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.sender.stop(options.sendGraceMs ?? 8000);
    this.writeStatus();
    this.releaseLock();
  }
}
