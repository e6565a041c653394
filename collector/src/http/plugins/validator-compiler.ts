import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { checkBody } from './body-check.ts';
import { checkedInThread } from './large-body/index.ts';

/**
 * The strings of a query string, path or headers (copied before conversion changes them in
 * place): objects and arrays walked, every other value left as it is.
 */
function copyStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, copyStrings(v)]));
  }
  return value;
}

/**
 * Undoes every conversion of a string to a number that is not the number's own decimal form.
 * TypeBox's conversion reads a string the way `+s` does, so `0x1`, `1e0`, `+1`, ` 1` and the
 * empty string pass as numbers, and an integer's `1.9` is truncated to 1: a request naming
 * resource `0x1` must not reach resource 1. The original string then fails the schema check,
 * with the message a wrong type gets.
 */
function keepNonCanonicalNumbers(raw: unknown, converted: unknown): unknown {
  if (typeof raw === 'string' && typeof converted === 'number') {
    return String(converted) === raw ? converted : raw;
  }
  if (Array.isArray(raw) && Array.isArray(converted)) {
    return converted.map((v, i) => keepNonCanonicalNumbers(raw[i], v));
  }
  if (raw !== null && typeof raw === 'object' && converted !== null && typeof converted === 'object') {
    const fields = converted as Record<string, unknown>;
    for (const [key, v] of Object.entries(fields)) {
      if (Object.hasOwn(raw, key)) fields[key] = keepNonCanonicalNumbers((raw as Record<string, unknown>)[key], v);
    }
  }
  return converted;
}

/** A query string, path or headers with defaults filled in and strings read as the schema's types. */
function convertStrings(schema: TSchema, value: unknown): unknown {
  const raw = copyStrings(value);
  return keepNonCanonicalNumbers(raw, Value.Convert(schema, Value.Default(schema, value)));
}

/**
 * TypeBox validation for every route. Querystrings, params and headers arrive as strings, so
 * they get schema defaults and type coercion first, numbers only from their canonical decimal
 * form; bodies are checked exactly as sent, so a wrong type in a snapshot is an error rather
 * than something quietly converted. A body's refusal costs no more than its check
 * (body-check.ts): array lengths are looked at first.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const compiled = compiledOnFirstUse(schema);
  if (httpPart === 'body') {
    return (value: unknown) => {
      // A large body the checking thread found valid is not checked again on the event loop.
      if (checkedInThread(value)) return { value };
      const issues = checkBody(schema, compiled(), value);
      return issues ? { error: issues } : { value };
    };
  }
  return (value: unknown) => {
    const prepared = convertStrings(schema, value);
    const check = compiled();
    if (check.Check(prepared)) return { value: prepared };
    return { error: check.Errors(prepared) };
  };
};

/**
 * A schema's compiled checker, made when the first request needs it. Compiling every route's
 * schemas when the routes are registered was a third of the collector's start-up; most routes
 * are never called in a process's first seconds, and each compiles in milliseconds.
 */
function compiledOnFirstUse(schema: TSchema): () => ReturnType<typeof Compile<TSchema>> {
  let compiled: ReturnType<typeof Compile<TSchema>> | undefined;
  return () => {
    compiled ??= Compile(schema);
    return compiled;
  };
}
