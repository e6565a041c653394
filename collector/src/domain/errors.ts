/**
 * Errors the domain throws. They say what is wrong in domain words; the HTTP edge maps them to
 * problem details and the commands to messages and exit codes, so neither Fastify nor status
 * codes reach the domain.
 */

/** A field of a request and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The request would break a rule; nothing was written. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly problems: FieldProblem[],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** The request collides with what is stored (a second asset with the same tag). */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** What the request names does not exist. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** What keeps the storage from serving for now: each passes without a change to the request. */
export type StorageTrouble = 'busy' | 'disk-full' | 'read-only' | 'io-error';

/**
 * Storage cannot serve this request now (locked, out of space, remounted read-only, failing
 * I/O); the same request may succeed later. Engines translate their own errors into it, so the
 * edge can ask the client to retry instead of reporting a failure of the collector.
 */
export class StorageUnavailableError extends Error {
  constructor(
    message: string,
    readonly trouble: StorageTrouble,
  ) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

/** Why a store cannot be opened at all. */
export type StoreRefusal = 'newer-schema' | 'needs-migration' | 'corrupt' | 'read-only' | 'disk-full' | 'unreadable';

/**
 * The store cannot be used, and no retry will change that: written by a newer version,
 * damaged, on a read-only or full file system. The collector does not start on it; the message
 * is one line saying what is wrong and what to do.
 */
export class StoreUnusableError extends Error {
  constructor(
    message: string,
    readonly refusal: StoreRefusal,
  ) {
    super(message);
    this.name = 'StoreUnusableError';
  }
}
