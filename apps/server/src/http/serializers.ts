import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;

/**
 * Fastify compiles a fast-json-stringify serializer for every status of every route's response
 * schema as the routes register: about 450 here (HEAD routes have their own), most of them for
 * answers a given server rarely or never gives (the problem responses), and the generated code
 * stays in memory. With this schema controller each one is compiled by the same compiler, with
 * the same options, on the first answer that needs it: the same output, a slower first answer.
 */
export function lazySerializers(): SchemaController {
  const build = SerializerSelector();
  return {
    compilersFactory: {
      buildSerializer: (externalSchemas, options) => {
        const compile = build(externalSchemas, options);
        return (route) => {
          let serialize: ((data: unknown) => string) | undefined;
          return (data) => {
            serialize ??= compile(route);
            return serialize(data);
          };
        };
      },
    },
  };
}
