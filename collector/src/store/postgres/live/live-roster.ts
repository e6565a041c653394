import { and, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import pg from 'pg';
import type { AgentPresence, LiveRoster, LiveRosters } from '../../../domain/live/ports.ts';
import type { Db } from '../connection.ts';
import { agentPresence } from '../schema/index.ts';

/** The channel refresh requests travel on between instances (LISTEN/NOTIFY). */
export const LIVE_CHANNEL = 'stocktake_live';

/** How often an instance renews the rows of the channels it holds. */
export const RENEW_MS = 20_000;

/**
 * A row not renewed for this long belongs to an instance that stopped without closing it (a
 * crash, SIGKILL, a lost network): its agent reads as offline, and reconnects elsewhere.
 */
export const STALE_AFTER_MS = 3 * RENEW_MS;

/** How long to wait before listening again after the listening connection failed. */
const RELISTEN_MS = 2_000;

interface RefreshNotice {
  instance: string;
  agentId: string;
  requestId: string;
}

function parseNotice(payload: string | undefined): RefreshNotice | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<RefreshNotice>;
    const ok = [value.instance, value.agentId, value.requestId].every((v) => typeof v === 'string');
    return ok ? (value as RefreshNotice) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The live roster over PostgreSQL. Presence is a row per agent in agent_presence (which instance
 * holds its channel, its last heartbeat, when the holder last renewed it), so any instance
 * answers it. A refresh request for a channel another instance holds is a NOTIFY naming that
 * instance; each instance LISTENs on one connection of its own, outside the pool, and hands the
 * requests for its channels to its sockets.
 */
export function createLiveRosters(db: Db): LiveRosters {
  return async (instance) => {
    let deliver: (agentId: string, requestId: string) => boolean = () => false;
    let listener: pg.Client | undefined;
    let closed = false;
    let relisten: NodeJS.Timeout | undefined;

    const listen = async (): Promise<void> => {
      const client = new pg.Client(db.$client.options);
      client.on('notification', (message) => {
        const notice = parseNotice(message.payload);
        if (notice?.instance === instance) deliver(notice.agentId, notice.requestId);
      });
      // A lost listening connection is made again: until then, requests relayed here are lost,
      // as a request to an agent whose socket dropped is; the asker is told 202 either way.
      client.on('error', () => {
        void client.end().catch(() => undefined);
        if (listener === client) listener = undefined;
        if (!closed) relisten = setTimeout(() => void listen().catch(() => undefined), RELISTEN_MS).unref();
      });
      await client.connect();
      await client.query(`listen ${LIVE_CHANNEL}`);
      if (closed) await client.end();
      else listener = client;
    };
    await listen();

    const renew = setInterval(() => {
      db.update(agentPresence)
        .set({ renewedAt: sql`now()` })
        .where(eq(agentPresence.instance, instance))
        .catch(() => undefined);
    }, RENEW_MS);
    renew.unref();

    const fresh = () => gt(agentPresence.renewedAt, sql`now() - make_interval(secs => ${STALE_AFTER_MS / 1000})`);

    const roster: LiveRoster = {
      async connected(agentId, at) {
        const row = { agentId, instance, connectedAt: at, lastHeartbeatAt: at, renewedAt: sql`now()` };
        await db
          .insert(agentPresence)
          .values(row)
          .onConflictDoUpdate({
            target: agentPresence.agentId,
            set: { instance, connectedAt: at, lastHeartbeatAt: at, renewedAt: sql`now()` },
          });
      },
      async disconnected(agentId) {
        await db
          .update(agentPresence)
          .set({ instance: null, connectedAt: null })
          .where(and(eq(agentPresence.agentId, agentId), eq(agentPresence.instance, instance)));
      },
      async heartbeat(agentId, at) {
        await db.update(agentPresence).set({ lastHeartbeatAt: at }).where(eq(agentPresence.agentId, agentId));
      },
      async presence(agentIds) {
        const found = new Map<string, AgentPresence>(
          agentIds.map((id) => [id, { online: false, lastHeartbeatAt: null }]),
        );
        if (agentIds.length === 0) return found;
        const rows = await db
          .select({
            agentId: agentPresence.agentId,
            online: sql<boolean>`${agentPresence.instance} is not null and ${fresh()}`,
            lastHeartbeatAt: agentPresence.lastHeartbeatAt,
          })
          .from(agentPresence)
          .where(inArray(agentPresence.agentId, [...agentIds]));
        for (const row of rows) {
          found.set(row.agentId, { online: row.online, lastHeartbeatAt: row.lastHeartbeatAt.toISOString() });
        }
        return found;
      },
      async requestRefresh(agentId, requestId) {
        const [holder] = await db
          .select({ instance: agentPresence.instance })
          .from(agentPresence)
          .where(and(eq(agentPresence.agentId, agentId), isNotNull(agentPresence.instance), fresh()));
        if (!holder?.instance) return false;
        if (holder.instance === instance) return deliver(agentId, requestId);
        const notice: RefreshNotice = { instance: holder.instance, agentId, requestId };
        await db.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(notice)})`);
        return true;
      },
      onRefresh(fn) {
        deliver = fn;
      },
      async close() {
        closed = true;
        clearInterval(renew);
        if (relisten) clearTimeout(relisten);
        await db
          .update(agentPresence)
          .set({ instance: null, connectedAt: null })
          .where(eq(agentPresence.instance, instance))
          .catch(() => undefined);
        await listener?.end().catch(() => undefined);
      },
    };
    return roster;
  };
}
