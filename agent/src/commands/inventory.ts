import { join } from 'node:path';
import type { Snapshot } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { createContext } from '../collectors/context.ts';
import { platformCollectors } from '../collectors/index.ts';
import { collectSnapshot } from '../inventory/collect-snapshot.ts';
import { loadCredentials } from '../state.ts';
import { AGENT_VERSION } from '../version.ts';

export interface InventoryOptions {
  log: Logger;
  stateDir: string;
  /** Prefix for every path the collectors read (default `/`). */
  hostRoot?: string;
  timeoutMs?: number;
}

/** This machine's snapshot, with no network; carries the agent id when already enrolled. */
export async function inventory(options: InventoryOptions): Promise<Snapshot> {
  const credentials = await loadCredentials(options.stateDir).catch(() => undefined);
  return collectSnapshot({
    collectors: await platformCollectors(),
    ctx: createContext({
      log: options.log,
      ...(options.hostRoot ? { root: options.hostRoot } : {}),
      cacheDir: join(options.stateDir, 'cache'),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    }),
    agent: { ...(credentials ? { id: credentials.agentId } : {}), version: AGENT_VERSION },
  });
}
