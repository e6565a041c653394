/** Whether an agent holds a live channel, and when it was last heard from. */
export interface AgentPresence {
  online: boolean;
  /** The last heartbeat (or connection) seen from the agent; null if none. */
  lastHeartbeatAt: string | null;
}

/**
 * One collector instance's view of the agents' live channels. An agent's websocket is held by
 * one instance, but any instance may be asked whether it is online or to have it send an
 * inventory now: presence is kept where every instance reads it, and a refresh request reaches
 * the instance holding the channel.
 */
export interface LiveRoster {
  /** The agent's channel opened on this instance (a newer one replaces an older one anywhere). */
  connected(agentId: string, at: Date): Promise<void>;
  /** The agent's channel on this instance closed (one another instance holds now stays). */
  disconnected(agentId: string): Promise<void>;
  heartbeat(agentId: string, at: Date): Promise<void>;
  /** Presence of these agents, whichever instance holds their channels. */
  presence(agentIds: readonly string[]): Promise<Map<string, AgentPresence>>;
  /**
   * Has the instance holding the agent's channel send it a refresh request with this id: false
   * when no instance holds one.
   */
  requestRefresh(agentId: string, requestId: string): Promise<boolean>;
  /**
   * Where refresh requests for channels this instance holds arrive, from any instance: the
   * function sends it on the socket, false when the socket is gone.
   */
  onRefresh(deliver: (agentId: string, requestId: string) => boolean): void;
  /** Marks this instance's channels closed and stops listening. */
  close(): Promise<void>;
}

/** Opens the roster of one collector instance, named uniquely among those sharing the database. */
export type LiveRosters = (instance: string) => Promise<LiveRoster>;
