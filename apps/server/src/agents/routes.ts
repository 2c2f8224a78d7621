import { type Static, Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import { BusinessParams, businessChildParams } from '../http/route-kit.js';
import { idOf, NoContent, PageQuery, pageOf, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { AgentService } from './service.js';

export const AgentSchema = Type.Object(
  {
    id: idOf('agt'),
    name: Type.String(),
    language: Type.String({ description: 'BCP 47 tag the agent speaks.' }),
    voice: Type.String(),
    greeting: Type.String({ description: 'First words of every call; may use `{{variables}}`.' }),
    instructions: Type.String(),
    variables: Type.Array(Type.String(), {
      description: 'Variables the greeting and instructions use: every call must give each one.',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Agent' },
);
export type Agent = Static<typeof AgentSchema>;

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 100, examples: ['Front desk'] }),
  greeting: Type.String({
    minLength: 1,
    maxLength: 2000,
    examples: ['Hello {{patient}}, this is Dental Clinic calling about your appointment.'],
  }),
  instructions: Type.String({
    maxLength: 20_000,
    description: 'How the agent behaves; may use `{{variables}}`.',
  }),
  language: Type.String({
    minLength: 2,
    maxLength: 35,
    examples: ['en', 'pt-BR'],
    description: "Defaults to the business's language.",
  }),
  voice: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$',
    examples: ['standard', 'Polly.Joanna'],
    description: 'Voice name of the provider; `standard` by default.',
  }),
};

export const CreateAgentBody = Type.Object(
  {
    name: Fields.name,
    greeting: Fields.greeting,
    instructions: Type.Optional(Fields.instructions),
    language: Type.Optional(Fields.language),
    voice: Type.Optional(Fields.voice),
  },
  { additionalProperties: false },
);
export type CreateAgentRequest = Static<typeof CreateAgentBody>;

export const UpdateAgentBody = Type.Object(
  {
    name: Type.Optional(Fields.name),
    greeting: Type.Optional(Fields.greeting),
    instructions: Type.Optional(Fields.instructions),
    language: Type.Optional(Fields.language),
    voice: Type.Optional(Fields.voice),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAgentRequest = Static<typeof UpdateAgentBody>;

const AgentParams = businessChildParams('agentId');

const tags = ['Agents'];

export function registerAgentRoutes(app: App, deps: { agents: AgentService }): void {
  const { agents } = deps;

  app.get(
    '/api/v1/businesses/:businessId/agents',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'List voice agents',
        params: BusinessParams,
        querystring: Type.Object(PageQuery),
        response: { 200: pageOf(AgentSchema) },
      },
    },
    async (request) =>
      agents.list(request.business.id, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    '/api/v1/businesses/:businessId/agents',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Create a voice agent',
        params: BusinessParams,
        body: CreateAgentBody,
        response: { 201: AgentSchema },
      },
    },
    async (request, reply) => {
      const agent = await agents.create(request.business, request.body, actorOf(request.principal));
      return reply.code(201).send(agent);
    },
  );

  app.get(
    '/api/v1/businesses/:businessId/agents/:agentId',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Get a voice agent',
        params: AgentParams,
        response: { 200: AgentSchema },
      },
    },
    async (request) => agents.get(request.business.id, request.params.agentId),
  );

  app.patch(
    '/api/v1/businesses/:businessId/agents/:agentId',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Update a voice agent (calls already accepted keep the old version)',
        params: AgentParams,
        body: UpdateAgentBody,
        response: { 200: AgentSchema },
      },
    },
    async (request) =>
      agents.update(
        request.business,
        request.params.agentId,
        request.body,
        actorOf(request.principal),
      ),
  );

  app.delete(
    '/api/v1/businesses/:businessId/agents/:agentId',
    {
      config: { access: 'business' },
      schema: {
        tags,
        summary: 'Delete a voice agent (its calls and conversations stay)',
        params: AgentParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await agents.remove(request.business, request.params.agentId, actorOf(request.principal));
      return reply.code(204).send(null);
    },
  );
}
