import { randomUUID } from 'node:crypto';
import { type CollectorLiveMessage, LiveCloseCodes } from '@stocktake/shared';

/** What presence needs of a socket: send a frame, close it. */
export interface LiveSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

interface Connection {
  socket: LiveSocket;
  connectedAt: string;
}

export interface AgentPresence {
  online: boolean;
  /** Last heartbeat (or connection) seen from the agent since this collector started; null if none. */
  lastHeartbeatAt: string | null;
}

/**
 * Who holds a live channel right now, in memory: a collector restart forgets it, and the
 * agents reconnect within their backoff. One connection per agent; a newer one replaces an
 * older one (a reconnect that overtook the old socket's close).
 */
export function createPresence() {
  const connections = new Map<string, Connection>();
  const lastHeartbeat = new Map<string, string>();

  return {
    /** Registers a socket; returns the function to call when it closes. */
    connect(agentId: string, socket: LiveSocket, now = new Date()): () => void {
      const previous = connections.get(agentId);
      const connection: Connection = { socket, connectedAt: now.toISOString() };
      connections.set(agentId, connection);
      lastHeartbeat.set(agentId, connection.connectedAt);
      if (previous) previous.socket.close(LiveCloseCodes.replaced, 'replaced by a newer connection');
      return () => {
        if (connections.get(agentId) === connection) connections.delete(agentId);
      };
    },

    heartbeat(agentId: string, now = new Date()): void {
      lastHeartbeat.set(agentId, now.toISOString());
    },

    of(agentId: string | null | undefined): AgentPresence {
      if (!agentId) return { online: false, lastHeartbeatAt: null };
      return { online: connections.has(agentId), lastHeartbeatAt: lastHeartbeat.get(agentId) ?? null };
    },

    /** Asks an online agent for an inventory now; undefined when it has no live channel. */
    requestRefresh(agentId: string): string | undefined {
      const connection = connections.get(agentId);
      if (!connection) return undefined;
      const requestId = randomUUID();
      const message: CollectorLiveMessage = { type: 'refresh', requestId };
      connection.socket.send(JSON.stringify(message));
      return requestId;
    },

    /** Closes an agent's live channel now (its token was revoked); false when it had none open. */
    disconnect(agentId: string, code: number, reason: string): boolean {
      const connection = connections.get(agentId);
      if (!connection) return false;
      connections.delete(agentId);
      connection.socket.close(code, reason);
      return true;
    },

    onlineCount(): number {
      return connections.size;
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
