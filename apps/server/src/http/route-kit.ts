import type { FastifyContextConfig, FastifySchema } from 'fastify';
import { Type } from 'typebox';
import type { Access, Resource } from './access.js';
import { ApiError } from './errors.js';
import { type CursorCodec, type Page, toPage } from './pagination.js';

/**
 * What routes share: path parameters, enum schemas and keyset pagination. Features import these
 * from here, never from another feature's routes.
 */

/**
 * Options for a group of routes that declare the same access (and resource) under one OpenAPI
 * tag, so each route states only what is its own (summary, params, body, responses). The schema's
 * type flows through, so handlers stay typed.
 */
export function routeGroup<const C extends FastifyContextConfig>(tag: string, config: C) {
  return <S extends FastifySchema>(schema: S) => ({ config, schema: { tags: [tag], ...schema } });
}

/** A business resource's routes: `business` access (or one that reaches disabled businesses). */
export function businessRoutes(
  resource: Resource | readonly Resource[],
  tag: string,
  access: Extract<Access, 'business' | 'businessIncludingDisabled'> = 'business',
) {
  return routeGroup(tag, { access, resource });
}

/** A string enum that validates with a readable error ("must be one of: …"). */
export function stringEnum<T extends string>(values: readonly T[], options: object = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

const pathId = () => Type.String({ maxLength: 64 });

export const BusinessParams = Type.Object({ businessId: pathId() });

/** `:businessId` plus one child id, e.g. `businessChildParams('agentId')`. */
export function businessChildParams<K extends string>(name: K) {
  return Type.Object({
    businessId: pathId(),
    ...({ [name]: pathId() } as Record<K, ReturnType<typeof pathId>>),
  });
}

export const DEFAULT_PAGE_SIZE = 20;

/** A list request as routes receive it: `?limit=` and `?cursor=`, both optional. */
export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/**
 * One page of a keyset list, newest first. `fetch` gets the decoded position to start after and
 * asks for one row more than the page, which only says whether another page exists.
 */
export async function paginate<R, T>(
  cursors: CursorCodec,
  request: PageRequest,
  fetch: (page: { before?: string; limit: number }) => Promise<R[]>,
  positionOf: (row: R) => string,
  map: (row: R) => T,
): Promise<Page<T>> {
  const limit = request.limit ?? DEFAULT_PAGE_SIZE;
  const before = request.cursor === undefined ? undefined : cursors.decode(request.cursor);
  const rows = await fetch({ before, limit: limit + 1 });
  return toPage(rows, limit, cursors, positionOf, map);
}

/**
 * Characters a name must not hold: C0/C1 controls, and the bidirectional marks, embeddings and
 * overrides (U+202E would make `exe.pdf` read as `fdp.exe`).
 */
const FORBIDDEN_IN_NAMES =
  '\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069';

/**
 * A display name: not blank, no control or bidi-override characters. Leading and trailing spaces
 * are allowed and trimmed by the service that stores it.
 */
export function nameText(options: {
  maxLength: number;
  examples?: string[];
  description?: string;
}) {
  return Type.String({
    minLength: 1,
    ...options,
    pattern: `^[^${FORBIDDEN_IN_NAMES}]*[^\\s${FORBIDDEN_IN_NAMES}][^${FORBIDDEN_IN_NAMES}]*$`,
    'x-pattern-message': 'must not be blank, nor hold control or bidirectional-override characters',
  });
}

/** Free text (greetings, instructions): anything but blank. */
export function nonBlankText(options: {
  maxLength: number;
  examples?: string[];
  description?: string;
}) {
  return Type.String({
    minLength: 1,
    ...options,
    pattern: '\\S',
    'x-pattern-message': 'must not be blank',
  });
}

/** Normalises a time filter to the stored form (ISO-8601 UTC, milliseconds). */
export function isoTime(value: string, name: string): string {
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    throw new ApiError(
      'validation_error',
      `Query parameter "${name}" must be an ISO-8601 date-time.`,
      {
        errors: [{ path: `/${name}`, message: 'must be an ISO-8601 date-time', in: 'query' }],
      },
    );
  }
  return new Date(at).toISOString();
}

/**
 * Trimmed text that is not blank; a 400 naming the field otherwise. The schemas say the same for
 * API requests; this holds it for callers that bypass them (the operator CLI).
 */
export function requireText(value: string, path: string): string {
  const text = value.trim();
  if (text === '') throw ApiError.invalidField(path, 'must not be blank');
  return text;
}

/**
 * Your own key-value data on a resource (calls, agents): up to 20 strings, returned as given;
 * keys 1 to 40 characters.
 */
export const Metadata = (description = 'Your own key-value data (keys 1 to 40 characters).') =>
  Type.Record(Type.String(), Type.String({ maxLength: 500 }), {
    maxProperties: 20,
    description,
    propertyNames: {
      minLength: 1,
      maxLength: 40,
      'x-message': 'is not a valid metadata key: keys are 1 to 40 characters long',
    },
  });
