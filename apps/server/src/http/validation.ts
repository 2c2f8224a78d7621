import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const shared: Options = {
  allErrors: false, // allErrors lets a crafted body make validation do unbounded work
  strict: false,
  useDefaults: true,
  discriminator: true,
  // Failed schemas ride along on errors, so a pattern can be explained in words (x-pattern-message).
  verbose: true,
};

/**
 * Bodies are validated strictly: no type coercion and unknown fields are refused (a typo in a
 * field name is an error, not a silent no-op). Query strings, path and headers arrive as
 * strings, so those are coerced.
 */
export function registerValidation(app: FastifyInstance): void {
  const body = withFormats(new Ajv({ ...shared, coerceTypes: false, removeAdditional: false }));
  const other = withFormats(new Ajv({ ...shared, coerceTypes: 'array', removeAdditional: false }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? body : other).compile(schema),
  );
}

function withFormats(ajv: Ajv): Ajv {
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv);
  return ajv;
}
