import {
  type AgentLiveMessage,
  type CollectorLiveMessage,
  LiveCloseCodes,
  validateAgentLiveMessage,
} from '@stocktake/shared';
import type { FastifyPluginAsync } from 'fastify';
import { bearerToken } from '../../../../../domain/access/tokens.ts';
import { LARGE_BODY_BYTES } from '../../../../plugins/large-body/index.ts';
import type { CheckAnswer } from '../../../../plugins/large-body/protocol.ts';
import { createIngestChannel, ingestMessageId } from '../../../../plugins/live/ingest-channel.ts';
import { authenticatedAgent } from '../../../../principal.ts';

const frameBuffer = (data: Buffer | ArrayBuffer | Buffer[]): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

/** A text frame's JSON, or undefined for a binary frame or text that is not JSON. */
function parseFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): unknown {
  if (isBinary) return undefined;
  try {
    return JSON.parse(frameBuffer(data).toString());
  } catch {
    return undefined;
  }
}

/** A WebSocket close code: the server cannot take the message now; the agent reconnects and sends it again. */
const TRY_AGAIN_LATER = 1013;

const frameBytes = (data: Buffer | ArrayBuffer | Buffer[]): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;

/**
 * `GET /api/v1/agent/ws`: the agent's live channel. The access hook checks the bearer token
 * before the upgrade, so a revoked agent gets a plain 401 and re-enrols like on any other route.
 */
const liveRoutes: FastifyPluginAsync = async (app) => {
  const checker = app.largeBodies;
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

      /** Any message not a snapshot or delta: a heartbeat, a refresh accepted, or a refusal. */
      const other = (
        bytes: number,
        message: { ok: true; value: AgentLiveMessage } | { ok: false; errors: unknown[] },
      ) => {
        if (bytes > app.liveIngestLimit) {
          log.warn({ bytes }, 'live channel: oversized message without an id refused');
          socket.close(1009, 'message too big');
          return;
        }
        if (!message.ok) {
          log.warn({ errors: message.errors.slice(0, 10) }, 'live channel: message refused');
          socket.close(LiveCloseCodes.badMessage, 'message does not match the live channel schema');
          return;
        }
        if (message.value.type === 'heartbeat') heartbeat();
        else if (message.value.type === 'refresh-accepted') {
          log.info({ requestId: message.value.requestId }, 'refresh accepted by agent');
        }
      };

      const here = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean, bytes: number) => {
        const parsed = parseFrame(data, isBinary);
        const target = ingestMessageId(parsed);
        if (target) channel.receive(parsed as object, target, bytes);
        else other(bytes, validateAgentLiveMessage(parsed));
      };

      const checked = (answer: CheckAnswer | Error, bytes: number) => {
        if (answer instanceof Error || answer.type !== 'live') {
          const reason = answer instanceof Error ? answer.message : `the thread answered ${answer.type}`;
          log.warn({ bytes, reason }, 'live channel: large message not checked; closing');
          socket.close(TRY_AGAIN_LATER, 'the collector cannot check the message now; try again later');
          return;
        }
        const { frame } = answer;
        if (frame.ingest) channel.receiveChecked(frame.ingest, bytes, frame.checked);
        else other(bytes, frame.message ? { ok: true, value: frame.message } : { ok: false, errors: frame.errors });
      };

      // A large text frame is parsed and checked in the large-body thread, as large HTTP bodies
      // are; the frames after it wait for it, so the socket's messages are still taken in order.
      let waiting = 0;
      let inOrder: Promise<void> = Promise.resolve();
      const after = (step: () => Promise<void> | void) => {
        waiting++;
        inOrder = inOrder
          .then(step)
          .catch((err: unknown) => log.error({ err }, 'live channel: message failed'))
          .finally(() => {
            waiting--;
          });
      };

      socket.on('message', (data, isBinary) => {
        answered = true;
        const bytes = frameBytes(data);
        if (!isBinary && bytes > LARGE_BODY_BYTES) {
          const checking = checker.check('live', frameBuffer(data)).catch((err: Error) => err);
          after(async () => checked(await checking, bytes));
        } else if (waiting > 0) after(() => here(data, isBinary, bytes));
        else here(data, isBinary, bytes);
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
