import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export type Json = Record<string, any>;
export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document, with its path template and method. */
export function operations(doc: Json): { path: string; method: string; op: Json }[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
  );
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/**
 * Ajv over the served document itself: schemas are compiled by JSON pointer into it, so the
 * `#/components/schemas/…` references resolve as any client generator would resolve them.
 */
export function documentValidator(doc: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema(doc, 'openapi');
  const compile = (...parts: string[]) => ajv.compile({ $ref: `openapi#/${pointer(...parts)}` });
  return {
    response(path: string, method: string, status: number) {
      const response = doc.paths[path]?.[method]?.responses?.[String(status)];
      if (!response) return undefined;
      const type = Object.keys(response.content ?? {})[0];
      if (!type) return { validate: (body: unknown) => body === undefined || body === '', type };
      const args = ['paths', path, method, 'responses', String(status), 'content', type, 'schema'];
      return { validate: compile(...args), type };
    },
    requestBody(path: string, method: string) {
      return compile('paths', path, method, 'requestBody', 'content', 'application/json', 'schema');
    },
    schema(...parts: string[]) {
      return compile(...parts);
    },
  };
}

/** The path template of the document that a concrete URL matches. */
export function templateOf(doc: Json, url: string): string | undefined {
  const path = url.split('?')[0] ?? '';
  return Object.keys(doc.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
}
