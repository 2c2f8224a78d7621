import { type TSchema, Type } from 'typebox';

export const Timestamp = Type.String({
  format: 'date-time',
  examples: ['2026-11-28T08:15:35.123Z'],
});
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export function idOf(prefix: string, description?: string) {
  return Type.String({
    pattern: `^${prefix}_[0-9a-z]{26}$`,
    examples: [`${prefix}_01jdx7k3m8q9r2s4t6v8w0y2z4`],
    ...(description ? { description } : {}),
  });
}

export const FieldErrorSchema = Type.Object({
  path: Type.String({ description: 'JSON pointer into the request part.' }),
  message: Type.String(),
  in: Type.Optional(Type.String({ description: 'body, query, params or headers' })),
});

/** RFC 9457 problem details, as every error answer of the API carries them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable, machine-readable error code.' }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
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
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  });
}

export const NoContent = Type.Null({ description: 'No content.' });
