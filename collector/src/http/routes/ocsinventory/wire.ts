import { promisify } from 'node:util';
import { constants, deflate, gunzip, inflate } from 'node:zlib';
import { HttpProblem } from '../../plugins/problems/problem.ts';

const inflateAsync = promisify(inflate);
const gunzipAsync = promisify(gunzip);
const deflateAsync = promisify(deflate);

/**
 * The content types the agents send: OCS agents `application/x-compress` (zlib, RFC 1950),
 * FusionInventory and GLPI Agent `application/x-compress-zlib`, or `-gzip` when only the gzip
 * program is at hand, or the message itself (`application/xml`, `application/json`) with
 * compression turned off.
 */
export const PEER_CONTENT_TYPES = [
  'application/x-compress',
  'application/x-compress-zlib',
  'application/x-compress-gzip',
  'application/xml',
  'text/xml',
  'application/json',
] as const;

const ZLIB_BAD = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'Z_NEED_DICT', 'ERR_BUFFER_TOO_LARGE']);

/**
 * The message in a body, decompressed off the event loop (zlib runs on the thread pool) and
 * never past `limit` bytes: a small body that would inflate to more (a zip bomb) is refused as
 * soon as the output reaches the limit. The format is told by its first bytes (a zlib header,
 * gzip's magic number, or neither: not compressed), as the agents themselves read answers.
 */
export async function decodeBody(body: Buffer, limit: number): Promise<Buffer> {
  const [b0 = 0, b1 = 0] = body;
  // RFC 1950: deflate (method 8) in the low nibble, and the two header bytes a multiple of 31.
  const zlibHeader = body.length >= 2 && (b0 & 0x0f) === 8 && (b0 * 256 + b1) % 31 === 0;
  const gzipHeader = body.length >= 2 && b0 === 0x1f && b1 === 0x8b;
  if (!zlibHeader && !gzipHeader) {
    if (body.length > limit) throw tooLarge(limit);
    return body;
  }
  try {
    // Output in pieces of about the size an inventory inflates to (text compresses 5 to 10
    // times), not zlib's 16 KiB: each piece is a round trip to the thread pool and a buffer.
    const chunkSize = Math.min(limit, Math.max(constants.Z_DEFAULT_CHUNK, body.length * 8));
    return await (gzipHeader ? gunzipAsync : inflateAsync)(body, { maxOutputLength: limit, chunkSize });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    if (code && ZLIB_BAD.has(code)) {
      throw HttpProblem.badRequest(
        `The body is not valid ${gzipHeader ? 'gzip' : 'zlib (RFC 1950)'} data: ${(err as Error).message}`,
      );
    }
    throw err;
  }
}

function tooLarge(limit: number): HttpProblem {
  return HttpProblem.payloadTooLarge(
    `The inventory is larger than ${limit} bytes once decompressed (--snapshot-body-limit); nothing was stored`,
  );
}

/** An answer compressed as the agents expect it (zlib, which every one of them reads). */
export function compressed(message: string): Promise<Buffer> {
  return deflateAsync(Buffer.from(message, 'utf8'));
}
