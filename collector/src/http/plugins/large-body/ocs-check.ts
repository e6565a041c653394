import { NotAnOcsRequest, parseOcsRequest } from '../../routes/ocsinventory/ocs-request.ts';
import type { CheckAnswer, CheckRequest } from './protocol.ts';

/** The thread's reading of an OCS protocol request: the request, or why the body is not one. */
export function checkOcs({ id, bytes }: CheckRequest): CheckAnswer {
  const xml = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return { id, type: 'ocs', request: parseOcsRequest(xml) };
  } catch (error) {
    if (error instanceof NotAnOcsRequest) return { id, type: 'not-ocs', message: error.message };
    throw error;
  }
}
