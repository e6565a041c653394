import { type CollectorLiveMessage, LiveCloseCodes, validateAgentLiveMessage } from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import { bearerToken } from '../../../../../domain/access/tokens.ts';
import { createIngestChannel, ingestMessageId } from '../../../../plugins/live/ingest-channel.ts';
import { authenticatedAgent } from '../../../../principal.ts';

/** A text frame's JSON, or undefined for a binary frame or text that is not JSON. */
function parseFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): unknown {
  if (isBinary) return undefined;
  try {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    return JSON.parse(buffer.toString());
  } catch {
    return undefined;
  }
}

const frameBytes = (data: Buffer | ArrayBuffer | Buffer[]): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;

/**
 * `GET /api/v1/agent/ws`: the agent's live channel. The access hook checks the bearer token
 * before the upgrade, so a revoked agent gets a plain 401 and re-enrols like on any other route.
 */
const liveRoutes: FastifyPluginAsync = async (app) => {
  // How often the collector pings each socket; one missed pong closes it.
  const pingIntervalMs = app.settings.livePingIntervalMs;
  const ingest = app.agentIngest;
  const budget = app.agentBudget;

  app.get(
    '/ws',
    {
      websocket: true,
      schema: {
        summary: "The agent's live channel (WebSocket): presence, refresh requests, snapshots and deltas",
        description: [
          'Upgrade with an agent token; JSON text frames, each validated (schemas in @stocktake/shared live.ts).',
          'The agent sends `heartbeat` and `refresh-accepted`; the collector sends `refresh`.',
          'The agent may also push `{ "type": "snapshot", "id", "snapshot" }` and `{ "type": "delta", "id", "delta" }` (`id`: 1-64 characters of its choosing) instead of POST /api/v1/agent/snapshots and /deltas:',
          'same schemas, same checks, same size limit (the snapshot body limit plus 1 KiB of envelope), the same group commit.',
          'Each is answered with its id: `{ "type": "ack", "id", "snapshotId", "deviceId", "duplicate" }` once committed, or `{ "type": "error", "id", "status", "problem" }` with the RFC 9457 body the HTTP route would have answered (400 with `errors`, 409 `urn:stocktake:problem:resync`, 413, 401 when the token was revoked since the upgrade);',
          "after any answer but a 401 the socket stays open. One socket's snapshots and deltas are applied in the order sent.",
          'Close codes: 4400 for a frame that is not a live channel message at all (not JSON, unknown type, no usable id), 4401 when the token is revoked (at once when revoked through the API; at the next heartbeat or message otherwise), 4000 when a newer connection of the same agent replaces it, 1009 for a frame over twice the size limit.',
        ].join(' '),
        tags: ['agent'],
      },
    },
    (socket, request) => {
      const agent = authenticatedAgent(request);
      const token = bearerToken(request.headers.authorization);
      const log = request.log.child({ agentId: agent.id });
      const disconnect = app.presence.connect(agent.id, socket);
      log.info('live channel open');

      const send = (message: CollectorLiveMessage) => {
        // An answer to a socket closed meanwhile is dropped; the agent resends what it did not see acknowledged.
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      };
      const authenticate = async () => (token ? app.stores.agents.findByToken(token) : undefined);
      const channel = createIngestChannel({
        ingest,
        authenticate,
        limit: app.liveIngestLimit,
        ...(budget ? { budget: (bytes: number) => budget.take(agent.id, bytes) } : {}),
        send,
        close: (code, reason) => socket.close(code, reason),
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        log,
      });

      // A heartbeat counts only while the token is live: one revoked by any means (the route
      // closes the socket itself, a change made on the host does not) ends the channel here.
      const heartbeat = () => {
        authenticate().then(
          (current) => {
            if (current) {
              app.presence.heartbeat(agent.id);
              return;
            }
            log.info('live channel: token revoked; closing');
            socket.close(LiveCloseCodes.unauthorized, 'agent token is unknown or revoked');
          },
          (err: unknown) => log.warn({ err }, 'live channel: heartbeat not checked'),
        );
      };

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
        const bytes = frameBytes(data);
        const parsed = parseFrame(data, isBinary);
        const target = ingestMessageId(parsed);
        if (target) {
          channel.receive(parsed as object, target, bytes);
          return;
        }
        if (bytes > app.liveIngestLimit) {
          log.warn({ bytes }, 'live channel: oversized message without an id refused');
          socket.close(1009, 'message too big');
          return;
        }
        const message = validateAgentLiveMessage(parsed);
        if (!message.ok) {
          log.warn({ errors: message.ok ? [] : message.errors.slice(0, 10) }, 'live channel: message refused');
          socket.close(LiveCloseCodes.badMessage, 'message does not match the live channel schema');
          return;
        }
        if (message.value.type === 'heartbeat') heartbeat();
        else if (message.value.type === 'refresh-accepted') {
          log.info({ requestId: message.value.requestId }, 'refresh accepted by agent');
        }
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
