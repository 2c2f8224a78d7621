import { type TSchema, Type } from 'typebox';
import { ERROR_CATALOG, type ErrorCode } from './errors.js';

export const Timestamp = Type.String({
  format: 'date-time',
  examples: ['2026-11-28T08:15:35.123Z'],
});
/**
 * A time or null, as one schema with two types rather than `anyOf [time, null]`: a response
 * serializer must test an `anyOf` branch by branch with a validator, which checked the date-time
 * format of every time in every answer (8% of a conversation list's CPU, issue 12), while a type
 * list is a `typeof` test. Same contract, same OpenAPI 3.1 meaning.
 */
export const NullableTimestamp = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  format: 'date-time',
  examples: ['2026-11-28T08:15:35.123Z'],
});

/** A string or null: a type list, like `NullableTimestamp` (no branch-by-branch validation). */
export function NullableString(
  options: { description?: string; examples?: (string | null)[] } = {},
) {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}

export function idOf(prefix: string, description?: string) {
  return Type.String({
    pattern: `^${prefix}_[0-9a-z]{26}$`,
    examples: [`${prefix}_01jdx7k3m8q9r2s4t6v8w0y2z4`],
    ...(description ? { description } : {}),
  });
}

export const FieldErrorSchema = Type.Object(
  {
    path: Type.String({ description: 'JSON pointer into the request part.' }),
    message: Type.String(),
    in: Type.Optional(Type.String({ description: 'body, query, params or headers' })),
  },
  { title: 'FieldError' },
);

/** RFC 9457 problem details, as every error answer of the API carries them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      format: 'uri-reference',
      description: 'Where the code is explained: `/docs/errors#<code>`.',
      examples: ['/docs/errors#validation_error'],
    }),
    title: Type.String({ examples: ['Bad Request'] }),
    status: Type.Integer({ examples: [400] }),
    detail: Type.String({ examples: ['Body "name" must NOT have fewer than 1 characters.'] }),
    code: Type.Unsafe<ErrorCode>({
      type: 'string',
      enum: Object.keys(ERROR_CATALOG),
      description: 'Stable, machine-readable error code; see /docs/errors.',
    }),
    requestId: Type.Optional(Type.String({ examples: ['req_9b2f0c6f1a4e4c0f8f5d2a7b3c1e9d04'] })),
    errors: Type.Optional(
      Type.Array(FieldErrorSchema, { description: 'Every failing field (at most 20).' }),
    ),
  },
  { $id: 'Problem', title: 'Problem' },
);

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page (1–100).' }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'The `nextCursor` of the previous page.' }),
  ),
};

export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    nextCursor: NullableString({
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  });
}

export const NoContent = Type.Null({ description: 'No content.' });
