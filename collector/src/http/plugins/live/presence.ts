import { randomUUID } from 'node:crypto';
import { type CollectorLiveMessage, LiveCloseCodes } from '@stocktake/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { AgentPresence, LiveRoster } from '../../../domain/live/ports.ts';

export type { AgentPresence };

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
  // The roster's writes follow the socket's events; a failed one is logged, and the next
  // heartbeat or connection writes again.
  const record = (what: string, write: Promise<void>) =>
    write.catch((err: unknown) => log.warn({ err }, `live channel: presence not recorded (${what})`));

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
      void record('connected', roster.connected(agentId, now));
      if (previous) previous.socket.close(LiveCloseCodes.replaced, 'replaced by a newer connection');
      return () => {
        if (connections.get(agentId) !== connection) return;
        connections.delete(agentId);
        void record('disconnected', roster.disconnected(agentId));
      };
    },

    heartbeat(agentId: string, now = new Date()): void {
      void record('heartbeat', roster.heartbeat(agentId, now));
    },

    async of(agentId: string | null | undefined): Promise<AgentPresence> {
      if (!agentId) return { online: false, lastHeartbeatAt: null };
      return (await roster.presence([agentId])).get(agentId) ?? { online: false, lastHeartbeatAt: null };
    },

    /** Presence of many agents in one read. */
    ofMany(agentIds: readonly string[]): Promise<Map<string, AgentPresence>> {
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
      void record('disconnected', roster.disconnected(agentId));
      connection.socket.close(code, reason);
      return true;
    },

    /** Channels this instance holds (each instance reports its own; their sum is the cluster's). */
    onlineCount(): number {
      return connections.size;
    },

    close(): Promise<void> {
      return roster.close();
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
