/** A field of a register request and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The request would break a register rule; nothing was written. */
export class RegisterValidationError extends Error {
  constructor(
    message: string,
    readonly problems: FieldProblem[],
  ) {
    super(message);
    this.name = 'RegisterValidationError';
  }
}

/** The request collides with what is stored (a second asset with the same tag). */
export class RegisterConflictError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'RegisterConflictError';
  }
}

export class RegisterNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegisterNotFoundError';
  }
}
