import { validateAgentLiveMessage } from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import { authenticatedAgent } from '../../../../plugins/app/agents/authenticate.ts';

export interface LiveRoutesOptions {
  /** How often the collector pings each socket; one missed pong closes it (default 30 s). */
  pingIntervalMs?: number;
}

/**
 * `GET /api/v1/agent/ws`: the agent's live channel. The access hook checks the bearer token
 * before the upgrade, so a revoked agent gets a plain 401 and re-enrols like on any other route.
 */
const liveRoutes: FastifyPluginAsync<LiveRoutesOptions> = async (app, opts) => {
  const pingIntervalMs = opts.pingIntervalMs ?? 30_000;

  app.get(
    '/ws',
    {
      websocket: true,
      schema: {
        summary: "The agent's live channel (WebSocket): presence, heartbeats, refresh requests",
        description:
          'Upgrade with an agent token. The agent sends `heartbeat` and `refresh-started` messages; the collector sends `refresh` (see @stocktake/shared live.ts). Closes with 4400 on a message that breaks the schema.',
        tags: ['agent'],
      },
    },
    (socket, request) => {
      const agent = authenticatedAgent(request);
      const log = request.log.child({ agentId: agent.id });
      const disconnect = app.presence.connect(agent.id, socket);
      log.info('live channel open');

      // A socket whose peer vanished (sleep, NAT timeout) stays "open" until TCP gives up:
      // a ping unanswered by the next round closes it, so presence stays truthful.
      let answered = true;
      socket.on('pong', () => {
        answered = true;
      });
      const pinger = setInterval(() => {
        if (!answered) {
          log.info('live channel silent; closing');
          socket.terminate();
          return;
        }
        answered = false;
        socket.ping();
      }, pingIntervalMs);
      pinger.unref();

      socket.on('message', (data, isBinary) => {
        answered = true;
        let parsed: unknown;
        try {
          parsed = isBinary ? undefined : JSON.parse(data.toString());
        } catch {
          parsed = undefined;
        }
        const message = validateAgentLiveMessage(parsed);
        if (!message.ok) {
          log.warn({ errors: message.ok ? [] : message.errors }, 'live channel: message refused');
          socket.close(4400, 'message does not match the live channel schema');
          return;
        }
        if (message.value.type === 'heartbeat') app.presence.heartbeat(agent.id);
        else log.info({ requestId: message.value.requestId }, 'refresh accepted by agent');
      });
      socket.on('close', () => {
        clearInterval(pinger);
        disconnect();
        log.info('live channel closed');
      });
    },
  );
};

export default liveRoutes;
