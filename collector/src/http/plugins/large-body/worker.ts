import { parentPort } from 'node:worker_threads';
import type { CheckAnswer, CheckRequest } from './protocol.ts';

/**
 * The thread that parses and checks large agent bodies, so that a refused 10 MiB snapshot costs
 * the event loop only its bytes: only a valid body's value, or a refusal's few issues, go back.
 * It also reads other tools' agents' XML requests, whatever their size: an XML parse costs
 * several times a JSON parse of the same inventory. Each kind's code is loaded when its first
 * body comes, so a thread that only reads XML never loads the API contract.
 */

async function answer(request: CheckRequest): Promise<CheckAnswer> {
  const { kind } = request;
  if (kind === 'ocs') return (await import('./ocs-check.ts')).checkOcs(request);
  return (await import('./json-check.ts')).checkJson({ ...request, kind });
}

const port = parentPort;
if (!port) throw new Error('the large-body checker runs only as a worker thread');
port.on('message', async (request: CheckRequest) => {
  let reply: CheckAnswer;
  try {
    reply = await answer(request);
  } catch (error) {
    reply = { id: request.id, type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
