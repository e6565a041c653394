import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { networkList, refusal } from '../../../domain/peers/admission.ts';
import { agentOf } from '../../../domain/peers/agent-of.ts';
import { glpiMessage } from '../../../domain/peers/glpi-json.ts';
import { PeerAgentRevoked } from '../../../domain/peers/peer-ingest.ts';
import { LARGE_BODY_BYTES } from '../../plugins/large-body/index.ts';
import { HttpProblem } from '../../plugins/problems/problem.ts';
import { NotAnOcsRequest, type OcsRequest, parseOcsRequest } from './ocs-request.ts';
import { compressed, decodeBody, PEER_CONTENT_TYPES } from './wire.ts';

/** How often, in hours, the agents are asked to come back (PROLOG_FREQ; GLPI Agent's `expiration`). */
const PROLOG_FREQ_HOURS = 24;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** `SEND`: send the inventory; `STOP`: send nothing (the agent was revoked). */
const prologReply = (response: 'SEND' | 'STOP') =>
  `${XML_DECLARATION}<REPLY><RESPONSE>${response}</RESPONSE><PROLOG_FREQ>${PROLOG_FREQ_HOURS}</PROLOG_FREQ></REPLY>`;

/** An inventory stored: nothing for the agent to change on its side (no account info to update). */
const INVENTORY_REPLY = `${XML_DECLARATION}<REPLY><RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE></REPLY>`;

/** A body whose first character, after any white space, is `{`: GLPI Agent's JSON, not XML. */
function isJson(message: Buffer): boolean {
  for (const byte of message) {
    if (byte === 0x7b) return true;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  }
  return false;
}

const REFUSALS = {
  off: () => HttpProblem.notFound('Reports from other inventory agents are off on this collector (see --peer-agents)'),
  'no-secret': () =>
    HttpProblem.forbidden('This collector admits other inventory agents at /ocsinventory/<enroll secret> only'),
  'wrong-secret': () => HttpProblem.forbidden('The enroll secret in the path is wrong or revoked'),
  network: () => HttpProblem.forbidden('Reports from other inventory agents are not admitted from this address'),
} as const;

/**
 * The OCS Inventory protocol (OCS agents, FusionInventory) and GLPI Agent's JSON, at
 * `POST /ocsinventory` and `POST /ocsinventory/<enroll secret>`: those agents report here with
 * only their server URL changed. Admission is decided before the body is read; the body is
 * decompressed off the event loop within the snapshot body limit, large XML is read in a thread of
 * its own, then the request is converted into a snapshot and stored as a Stocktake agent's is
 * (domain/peers).
 */
const ocsInventoryRoutes: FastifyPluginAsync = async (fastify) => {
  const settings = fastify.settings.peerAgents;
  const allowlist = networkList(settings.networks);
  const limit = fastify.settings.snapshotBodyLimit;
  const peers = fastify.peerIngest;

  /**
   * An XML request up to LARGE_BODY_BYTES is read where it arrives, as agent JSON is: a real
   * inventory of 800 packages (320 KB) takes about 3 ms, less than handing it to the thread and
   * its request back. A larger one, which only a hostile or a very unusual machine sends, is read
   * in the thread.
   */
  const readRequest = async (xml: Buffer): Promise<OcsRequest> => {
    if (xml.length > LARGE_BODY_BYTES) return fastify.largeBodies.readOcsRequest(xml);
    try {
      return parseOcsRequest(xml.toString('utf8'));
    } catch (err) {
      if (err instanceof NotAnOcsRequest) throw HttpProblem.badRequest(err.message);
      throw err;
    }
  };

  // This folder's own body parsers: the raw bytes, decoded in the handler (asynchronously).
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser([...PEER_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) =>
    done(null, body),
  );

  fastify.addHook('onRequest', async (request) => {
    const secret = (request.params as { secret?: string } | undefined)?.secret;
    const secretAccepted = secret !== undefined && (await fastify.stores.enrollSecrets.accepts(secret));
    const refused = refusal(settings, allowlist, {
      ...(secret !== undefined ? { secret } : {}),
      secretAccepted,
      address: request.ip,
    });
    if (refused) throw REFUSALS[refused]();
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw HttpProblem.badRequest('The body is empty');
    const message = await decodeBody(body, limit);
    const sizeBytes = body.length;
    const log = request.log;
    const userAgent = request.headers['user-agent'];

    if (isJson(message)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.toString('utf8'));
      } catch (err) {
        throw HttpProblem.badRequest(`The body is not valid JSON: ${(err as Error).message}`);
      }
      const glpi = glpiMessage(parsed);
      if (glpi.action === 'inventory') {
        const agent = agentOf([glpi.versionClient, userAgent], 'glpi-agent');
        await peers
          .report({ deviceId: glpi.deviceId, agent, content: glpi.content }, { address: request.ip, sizeBytes, log })
          .catch(revokedAsForbidden);
      } else if (!(await peers.mayReport(glpi.deviceId))) {
        throw revokedAsForbidden(new PeerAgentRevoked());
      }
      const answer = JSON.stringify({ status: 'ok', expiration: PROLOG_FREQ_HOURS });
      const type = request.headers['content-type'] ?? '';
      if (type.startsWith('application/json')) return reply.type('application/json').send(answer);
      return reply.type('application/x-compress-zlib').send(await compressed(answer));
    }

    const ocs = await readRequest(message);
    let answer: string;
    if (ocs.query === 'PROLOG') {
      answer = prologReply((await peers.mayReport(ocs.deviceId)) ? 'SEND' : 'STOP');
    } else if (ocs.query === 'INVENTORY') {
      const agent = agentOf([ocs.versionClient, userAgent], 'ocs');
      await peers
        .report({ deviceId: ocs.deviceId, agent, content: ocs.content }, { address: request.ip, sizeBytes, log })
        .catch(revokedAsForbidden);
      answer = INVENTORY_REPLY;
    } else {
      throw HttpProblem.badRequest(`QUERY ${ocs.query} is not taken here: only PROLOG and INVENTORY`);
    }
    return reply.type('application/x-compress').send(await compressed(answer));
  };

  const options = { schema: { hide: true }, bodyLimit: limit };
  fastify.post('/', options, handler);
  fastify.post('/:secret', options, handler);
};

function revokedAsForbidden(err: unknown): never {
  if (err instanceof PeerAgentRevoked) throw HttpProblem.forbidden(err.message);
  throw err;
}

export default ocsInventoryRoutes;
