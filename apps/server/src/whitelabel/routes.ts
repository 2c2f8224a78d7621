import { type Static, Type } from 'typebox';
import { recordAudit } from '../audit/repo.js';
import { actorOf } from '../auth/principal.js';
import type { Store } from '../db/connect.js';
import { ApiError } from '../http/errors.js';
import { NullableTimestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { findWhitelabel, saveWhitelabel, type WhitelabelRow } from './repo.js';

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const Fields = {
  brandName: nullable(Type.String({ minLength: 1, maxLength: 60, examples: ['Acme Voice'] })),
  logoUrl: nullable(
    Type.String({
      format: 'uri',
      maxLength: 2048,
      pattern: '^https?://',
      examples: ['https://acme.example/logo.svg'],
    }),
  ),
  primaryColor: nullable(
    Type.String({
      pattern: '^#[0-9a-fA-F]{6}$',
      description: 'Hex colour, `#rrggbb`.',
      examples: ['#4f46e5'],
    }),
  ),
  supportEmail: nullable(Type.String({ format: 'email', maxLength: 254 })),
  customDomain: nullable(
    Type.String({
      maxLength: 253,
      pattern: '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
      description: 'A host name you point at this service, e.g. `voice.acme.example`.',
    }),
  ),
};

export const WhitelabelSchema = Type.Object(
  { ...Fields, updatedAt: NullableTimestamp },
  { title: 'Whitelabel' },
);
export type Whitelabel = Static<typeof WhitelabelSchema>;

export const PutWhitelabelBody = Type.Object(
  {
    brandName: Type.Optional(Fields.brandName),
    logoUrl: Type.Optional(Fields.logoUrl),
    primaryColor: Type.Optional(Fields.primaryColor),
    supportEmail: Type.Optional(Fields.supportEmail),
    customDomain: Type.Optional(Fields.customDomain),
  },
  { additionalProperties: false },
);
export type PutWhitelabelRequest = Static<typeof PutWhitelabelBody>;

function toView(row: WhitelabelRow | undefined): Whitelabel {
  return {
    brandName: row?.brand_name ?? null,
    logoUrl: row?.logo_url ?? null,
    primaryColor: row?.primary_color ?? null,
    supportEmail: row?.support_email ?? null,
    customDomain: row?.custom_domain ?? null,
    updatedAt: row?.updated_at ?? null,
  };
}

const tags = ['User'];

export function registerWhitelabelRoutes(app: App, deps: { store: Store }): void {
  const db = deps.store.db;

  app.get(
    '/api/v1/user/whitelabel',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'White-label settings the dashboard shows',
        response: { 200: WhitelabelSchema },
      },
    },
    async (request) => toView(await findWhitelabel(db, request.principal.userId)),
  );

  app.put(
    '/api/v1/user/whitelabel',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Replace the white-label settings (omitted fields are cleared)',
        body: PutWhitelabelBody,
        response: { 200: WhitelabelSchema },
      },
    },
    async (request) => {
      const { principal, body } = request;
      if (body.brandName !== undefined && body.brandName !== null && body.brandName.trim() === '') {
        throw ApiError.invalidField('/brandName', 'must not be blank');
      }
      const row: WhitelabelRow = {
        user_id: principal.userId,
        brand_name: body.brandName?.trim() ?? null,
        logo_url: body.logoUrl ?? null,
        primary_color: body.primaryColor?.toLowerCase() ?? null,
        support_email: body.supportEmail ?? null,
        custom_domain: body.customDomain ?? null,
        updated_at: new Date().toISOString(),
      };
      await db.transaction().execute(async (trx) => {
        await saveWhitelabel(trx, row);
        await recordAudit(trx, {
          userId: principal.userId,
          actor: actorOf(principal),
          action: 'whitelabel.updated',
        });
      });
      return toView(row);
    },
  );
}
