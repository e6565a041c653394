import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { EXIT, type Io } from './register-commands.ts';

/**
 * A refusal of the domain as an admin command reports it: its message on one line, and the exit
 * code scripts rely on (bad data 65, nothing by that name 66). Undefined for any other error,
 * which the caller rethrows.
 */
export function reportDomainRefusal(err: unknown, io: Io): number | undefined {
  const code =
    err instanceof ValidationError || err instanceof ConflictError
      ? EXIT.dataErr
      : err instanceof NotFoundError
        ? EXIT.noInput
        : undefined;
  if (code !== undefined) io.err(`stocktake-collector: ${(err as Error).message}\n`);
  return code;
}
