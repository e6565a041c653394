import { randomUUID } from 'node:crypto';
import { type CollectorLiveMessage, LiveCloseCodes } from '@stocktake/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { AgentPresence, LiveRoster } from '../../../domain/live/ports.ts';

export type { AgentPresence };

/** The websocket close code of an endpoint going away (RFC 6455): a server shutting down. */
const GOING_AWAY = 1001;

/** What presence needs of a socket: send a frame, close it. */
export interface LiveSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

interface Connection {
  socket: LiveSocket;
  connectedAt: string;
}

/**
 * The live channels this instance holds (its sockets, in memory), and through the roster every
 * instance's: presence is read from the roster, so any instance answers it, and a refresh for a
 * channel another instance holds is relayed there. One connection per agent; a newer one
 * replaces an older one (a reconnect that overtook the old socket's close).
 */
export function createPresence(roster: LiveRoster, log: FastifyBaseLogger) {
  const connections = new Map<string, Connection>();
  // The roster's writes follow the socket's events, one agent's in the order they happened (on
  // PostgreSQL each may take another connection, and a close must not overtake its open); a
  // failed one is logged, and the next heartbeat or connection writes again.
  const pending = new Map<string, Promise<void>>();
  let closing = false;
  const record = (agentId: string, what: string, write: () => Promise<void>): void => {
    // Once closing, the roster's close says this instance's channels are gone, in one write.
    if (closing) return;
    const next = (pending.get(agentId) ?? Promise.resolve())
      .then(write)
      .catch((err: unknown) => log.warn({ err, agentId }, `live channel: presence not recorded (${what})`));
    pending.set(agentId, next);
    void next.then(() => {
      if (pending.get(agentId) === next) pending.delete(agentId);
    });
  };

  /** Once this instance's writes for these agents are done: what it answers includes what it saw. */
  const written = async (agentIds: readonly string[]): Promise<void> => {
    await Promise.all(agentIds.map((id) => pending.get(id)));
  };

  const send = (agentId: string, requestId: string): boolean => {
    const connection = connections.get(agentId);
    if (!connection) return false;
    const message: CollectorLiveMessage = { type: 'refresh', requestId };
    connection.socket.send(JSON.stringify(message));
    return true;
  };
  roster.onRefresh(send);

  return {
    /** Registers a socket; returns the function to call when it closes. */
    connect(agentId: string, socket: LiveSocket, now = new Date()): () => void {
      const previous = connections.get(agentId);
      const connection: Connection = { socket, connectedAt: now.toISOString() };
      connections.set(agentId, connection);
      record(agentId, 'connected', () => roster.connected(agentId, now));
      if (previous) previous.socket.close(LiveCloseCodes.replaced, 'replaced by a newer connection');
      return () => {
        if (connections.get(agentId) !== connection) return;
        connections.delete(agentId);
        record(agentId, 'disconnected', () => roster.disconnected(agentId));
      };
    },

    heartbeat(agentId: string, now = new Date()): void {
      record(agentId, 'heartbeat', () => roster.heartbeat(agentId, now));
    },

    async of(agentId: string | null | undefined): Promise<AgentPresence> {
      if (!agentId) return { online: false, lastHeartbeatAt: null };
      await written([agentId]);
      return (await roster.presence([agentId])).get(agentId) ?? { online: false, lastHeartbeatAt: null };
    },

    /** Presence of many agents in one read. */
    async ofMany(agentIds: readonly string[]): Promise<Map<string, AgentPresence>> {
      await written(agentIds);
      return roster.presence(agentIds);
    },

    /**
     * Asks an online agent for an inventory now, through whichever instance holds its channel;
     * undefined when none does.
     */
    async requestRefresh(agentId: string): Promise<string | undefined> {
      const requestId = randomUUID();
      if (send(agentId, requestId)) return requestId;
      return (await roster.requestRefresh(agentId, requestId)) ? requestId : undefined;
    },

    /** Closes an agent's live channel on this instance now (its token was revoked); false when it had none open here. */
    disconnect(agentId: string, code: number, reason: string): boolean {
      const connection = connections.get(agentId);
      if (!connection) return false;
      connections.delete(agentId);
      record(agentId, 'disconnected', () => roster.disconnected(agentId));
      connection.socket.close(code, reason);
      return true;
    },

    /** Channels this instance holds (each instance reports its own; their sum is the cluster's). */
    onlineCount(): number {
      return connections.size;
    },

    /**
     * Closes this instance's channels still open (1001, going away; the websocket server's own
     * close may have closed them already: either way their agents reconnect, to another instance
     * or to this one once it is back), stops recording, waits for the presence writes under way, and
     * has the roster mark the instance's channels offline. It runs before the stores close: a
     * write still waiting for a database connection when the pool ends is never answered, and
     * the collector would wait for it instead of stopping.
     */
    async close(): Promise<void> {
      closing = true;
      const open = [...connections.values()];
      connections.clear();
      for (const connection of open) connection.socket.close(GOING_AWAY, 'the collector is shutting down');
      await Promise.all(pending.values());
      await roster.close();
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
