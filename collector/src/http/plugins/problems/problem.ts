import { type FieldError, type Problem, ProblemTypes } from '@stocktake/shared';

/** Problem types the collector uses beyond the shared ones (candidates for @stocktake/shared's ProblemTypes). */
export const COLLECTOR_PROBLEM_TYPES = {
  tooManyRequests: 'urn:stocktake:problem:too-many-requests',
  uriTooLong: 'urn:stocktake:problem:uri-too-long',
  headersTooLarge: 'urn:stocktake:problem:request-header-fields-too-large',
  requestTimeout: 'urn:stocktake:problem:request-timeout',
} as const;

/** An error that is meant for the client, rendered as RFC 9457 problem details. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Seconds the client should wait before trying again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  toProblem(instance?: string): Problem {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }

  static unauthorized(detail: string) {
    return new HttpProblem(401, ProblemTypes.unauthorized, 'Unauthorized', detail);
  }
  static forbidden(detail: string) {
    return new HttpProblem(403, ProblemTypes.forbidden, 'Forbidden', detail);
  }
  static notFound(detail: string) {
    return new HttpProblem(404, ProblemTypes.notFound, 'Not Found', detail);
  }
  static tooManyRequests(detail: string) {
    return new HttpProblem(429, COLLECTOR_PROBLEM_TYPES.tooManyRequests, 'Too Many Requests', detail);
  }
  /** Storage cannot serve the request now; the same request may succeed after `retryAfterSeconds`. */
  static storageUnavailable(detail: string, retryAfterSeconds: number) {
    return new HttpProblem(
      503,
      ProblemTypes.storageUnavailable,
      'Service Unavailable',
      detail,
      undefined,
      retryAfterSeconds,
    );
  }
  /** A body that is not what the route reads at all (not the format it says, not decodable). */
  static badRequest(detail: string) {
    return new HttpProblem(400, ProblemTypes.badRequest, 'Bad Request', detail);
  }
  static payloadTooLarge(detail: string) {
    return new HttpProblem(413, ProblemTypes.payloadTooLarge, 'Payload Too Large', detail);
  }
  static validation(detail: string, errors: FieldError[]) {
    return new HttpProblem(400, ProblemTypes.validation, 'Invalid request', detail, errors);
  }
}
