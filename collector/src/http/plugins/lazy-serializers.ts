import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type SerializerFactory = SerializerSelector.SerializerFactory;

/**
 * Fastify's own response serializers (fast-json-stringify), each compiled when its route first
 * answers with that status rather than when the route is registered. Compiling them all at
 * start was two thirds of the collector's start-up (about a second of CPU before `/healthz`
 * could answer); one route's serializer compiles in milliseconds when it is first needed, and
 * the output is the same. A schema fast-json-stringify cannot compile fails that route's first
 * answer instead of the start: `response-schemas.test.ts` compiles every one of them.
 */
export const lazySerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let serialize: ((doc: unknown) => string) | undefined;
    return (doc: unknown) => {
      serialize ??= compile(route);
      return serialize(doc);
    };
  };
};

export const lazySchemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: { buildSerializer: lazySerializers },
};
