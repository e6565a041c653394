import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

/**
 * TypeBox validation for every route. Querystrings, params and headers arrive as strings, so
 * they get schema defaults and type coercion first; bodies are checked exactly as sent, so a
 * wrong type in a snapshot is an error rather than something quietly converted.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const compiled = Compile(schema);
  return (value: unknown) => {
    const prepared = httpPart === 'body' ? value : Value.Convert(schema, Value.Default(schema, value));
    if (compiled.Check(prepared)) return { value: prepared };
    return { error: compiled.Errors(prepared) };
  };
};
