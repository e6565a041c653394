import type { AgentPresence, LiveRoster, LiveRosters } from './ports.ts';

/**
 * The roster when one process owns the database (SQLite): presence in memory, refresh requests
 * handed straight to this process's sockets. A restart forgets presence; agents reconnect
 * within their backoff.
 */
export const inProcessRosters: LiveRosters = async () => {
  const online = new Set<string>();
  const lastHeartbeat = new Map<string, string>();
  let deliver: (agentId: string, requestId: string) => boolean = () => false;
  const roster: LiveRoster = {
    async connected(agentId, at) {
      online.add(agentId);
      lastHeartbeat.set(agentId, at.toISOString());
    },
    async disconnected(agentId) {
      online.delete(agentId);
    },
    async heartbeat(agentId, at) {
      lastHeartbeat.set(agentId, at.toISOString());
    },
    async presence(agentIds) {
      const found = new Map<string, AgentPresence>();
      for (const id of agentIds)
        found.set(id, { online: online.has(id), lastHeartbeatAt: lastHeartbeat.get(id) ?? null });
      return found;
    },
    async requestRefresh(agentId, requestId) {
      return online.has(agentId) && deliver(agentId, requestId);
    },
    onRefresh(fn) {
      deliver = fn;
    },
    async close() {
      online.clear();
    },
  };
  return roster;
};
