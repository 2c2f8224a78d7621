import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const shared: Options = {
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
  // Bodies report every failing field, so a client fixes a form in one round trip. The work stays
  // bounded: bodyLimit caps the input (so the error count), every array and string in a body
  // schema has a maximum, and the problem handler reports at most MAX_FIELD_ERRORS of them.
  const body = withFormats(
    new Ajv({ ...shared, allErrors: true, coerceTypes: false, removeAdditional: false }),
  );
  // Query, path and headers are small and stop at the first error, as before.
  const other = withFormats(
    new Ajv({ ...shared, allErrors: false, coerceTypes: 'array', removeAdditional: false }),
  );
  // Each schema is compiled on the first request that needs it: compiling all of them at boot
  // (about 90) costs some 10 MB of idle memory, most of it for routes a server rarely serves.
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? body : other;
    let compiled: ValidateFunction | undefined;
    const validate = (data: unknown) => {
      compiled ??= ajv.compile(schema);
      const valid = compiled(data);
      validate.errors = compiled.errors;
      return valid;
    };
    validate.errors = undefined as ErrorObject[] | null | undefined;
    return validate;
  });
}

function withFormats(ajv: Ajv): Ajv {
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv);
  return ajv;
}
