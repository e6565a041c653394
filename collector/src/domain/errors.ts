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
