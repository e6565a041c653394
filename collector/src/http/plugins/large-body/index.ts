import { Worker } from 'node:worker_threads';
import { ProblemTypes, SnapshotDeltaSchema, SnapshotSchema } from '@stocktake/shared';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { workerScript } from '../../../threads/worker-script.ts';
import type { OcsRequest } from '../../routes/ocsinventory/ocs-request.ts';
import { HttpProblem } from '../problems/problem.ts';
import type { CheckAnswer, CheckKind, CheckRequest, LargeBodyKind } from './protocol.ts';

/**
 * Agent snapshot and delta bodies over a threshold are parsed and checked in a worker thread.
 * A 10 MiB body held the event loop for its `JSON.parse` and its check; in the thread a refused
 * body costs the loop nothing but its bytes, and only a valid body's value crosses back. A
 * normal full snapshot (a few hundred packages) is tens of KiB, far under the threshold, and is
 * parsed where it arrives, as starting the exchange costs more than the parse.
 */
export const LARGE_BODY_BYTES = 1024 * 1024;

/**
 * The heap the checking thread may use, in MiB, for bodies up to `bodyLimit` bytes. A thread
 * that needs more stops (answered 503, like any thread that stops) instead of taking the
 * collector's memory. JSON.parse cannot be stopped halfway, and a thread out of memory inside it
 * ends the whole process: so the heap holds the parse of the largest body taken (JSON takes
 * under 32 bytes of heap per byte of text, empty objects and arrays being the worst), and only
 * the checking after it, which can be stopped, runs out.
 */
export function threadHeapMb(bodyLimit: number): number {
  return Math.max(256, Math.ceil((bodyLimit / (1024 * 1024)) * 32));
}

/** Bodies waiting for the thread beyond the one it is checking; more are answered 503. */
const MAX_WAITING = 8;

/**
 * The thread's young generation, in MiB. Reading a body makes a tree of short-lived objects many
 * times its size, and with V8's default young generation much of it is copied by scavenges while
 * the reading still holds it (measured with the XML parser used before saxes: a 320 KB OCS
 * inventory made about 13 MB, and took 21 ms of CPU with this size instead of 30).
 */
const YOUNG_GENERATION_MB = 64;
const RETRY_AFTER_SECONDS = 5;

/** Bodies the thread found valid: the body validator passes them without checking them again. */
const checkedBodies = new WeakSet<object>();
export const checkedInThread = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && checkedBodies.has(value);

const kindOf = new Map<unknown, LargeBodyKind>([
  [SnapshotSchema, 'snapshot'],
  [SnapshotDeltaSchema, 'delta'],
]);

const checkingThread = () =>
  workerScript(import.meta.url, './worker.ts', new URL('./large-body-worker.mjs', import.meta.url));

export interface LargeBodyCheckerOptions {
  /** Another worker script (tests: one that fails); default the checking thread's. */
  script?: URL;
  /** The thread's heap limit in MiB (default threadHeapMb of a 16 MiB body). */
  heapMb?: number;
}

interface Pending {
  resolve(answer: CheckAnswer): void;
  reject(error: Error): void;
}

/** One long-lived thread, started on first use and again after it stops. */
export class LargeBodyChecker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private readonly located: { script: URL; tsxEntry?: string };
  private readonly heapMb: number;

  constructor(options: LargeBodyCheckerOptions = {}) {
    this.located = options.script ? { script: options.script } : checkingThread();
    this.heapMb = options.heapMb ?? threadHeapMb(16 * 1024 * 1024);
  }

  /** An OCS protocol request read from its (decompressed) XML; refused 400 when it is not one. */
  async readOcsRequest(bytes: Uint8Array): Promise<OcsRequest> {
    const answer = await this.check('ocs', bytes);
    if (answer.type === 'ocs') return answer.request;
    if (answer.type === 'not-ocs') throw HttpProblem.badRequest(answer.message);
    if (answer.type === 'failed') throw threadStopped(`reading failed: ${answer.message}`);
    throw threadStopped(`it answered an OCS request with a ${answer.type} answer`);
  }

  /** Checks `bytes` in the thread; they are handed over, and the caller must not read them again. */
  check(kind: CheckKind, bytes: Uint8Array): Promise<CheckAnswer> {
    if (this.pending.size > MAX_WAITING) {
      return Promise.reject(
        new HttpProblem(
          503,
          ProblemTypes.internal,
          'Service Unavailable',
          `Too many bodies are waiting to be read; retry in ${RETRY_AFTER_SECONDS} s`,
          undefined,
          RETRY_AFTER_SECONDS,
        ),
      );
    }
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // A body that owns its whole buffer moves to the thread rather than being copied there:
      // the collector does not read it again.
      const owned =
        bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength;
      worker.postMessage({ id, kind, bytes } satisfies CheckRequest, owned ? [bytes.buffer] : []);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.located.script, {
      workerData: this.located.tsxEntry ? { tsxEntry: this.located.tsxEntry } : {},
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    worker.unref();
    worker.on('message', (answer: CheckAnswer) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      waiting?.resolve(answer);
    });
    const stopped = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const p of waiting) p.reject(threadStopped(reason));
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`it exited with code ${code}`));
    this.worker = worker;
    return worker;
  }
}

const threadStopped = (reason: string) =>
  new HttpProblem(
    503,
    ProblemTypes.internal,
    'Service Unavailable',
    `The thread checking large bodies stopped (${reason}); retry in ${RETRY_AFTER_SECONDS} s`,
    undefined,
    RETRY_AFTER_SECONDS,
  );

/** The error Fastify's own JSON parser gives for a body that is not JSON (a 400 at the edge). */
const notJson = (): Error => new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();

/** The error Fastify's validator gives for a body that fails its schema (mapped to 400 at the edge). */
function invalid(issues: unknown[]): Error {
  return Object.assign(new Error('body must match the schema'), {
    statusCode: 400,
    validation: issues,
    validationContext: 'body',
  });
}

/**
 * Takes `application/json` for the routes of this plugin: bodies of a snapshot or delta route
 * over LARGE_BODY_BYTES go to the thread, every other body to Fastify's own JSON parser.
 */
export function acceptLargeJson(app: FastifyInstance, checker: LargeBodyChecker): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'ignore' } = app.initialConfig;
  const parseHere = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body, done) => {
    const bytes = body as Buffer;
    const kind = kindOf.get(request.routeOptions.schema?.body);
    if (!kind || bytes.byteLength <= LARGE_BODY_BYTES) {
      parseHere(request, bytes.toString('utf8'), done);
      return;
    }
    checker.check(kind, bytes).then(
      (answer) => {
        switch (answer.type) {
          case 'valid':
            if (typeof answer.value === 'object' && answer.value !== null) checkedBodies.add(answer.value);
            return done(null, answer.value);
          case 'invalid':
            return done(invalid(answer.issues), undefined);
          case 'not-json':
            return done(notJson(), undefined);
          case 'failed':
            return done(threadStopped(`checking failed: ${answer.message}`), undefined);
          default:
            return done(threadStopped('it answered a body with a frame'), undefined);
        }
      },
      (error: Error) => done(error, undefined),
    );
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The one thread of the collector that reads large bodies: agent JSON and OCS XML over 1 MiB. */
    largeBodies: LargeBodyChecker;
  }
}

/**
 * The collector's large-body thread, shared by the routes that take large bodies (agent
 * snapshots and deltas, other tools' inventories), sized for the snapshot body limit. Started on
 * the first large body, so a collector that takes none never starts it; stopped with the app.
 */
export default fp(
  async (app: FastifyInstance) => {
    const checker = new LargeBodyChecker({ heapMb: threadHeapMb(app.settings.snapshotBodyLimit) });
    app.decorate('largeBodies', checker);
    app.addHook('onClose', () => checker.close());
  },
  { name: 'large-bodies', dependencies: ['settings'] },
);
