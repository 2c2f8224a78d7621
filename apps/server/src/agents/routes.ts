import { Type } from 'typebox';
import { actorOf } from '../auth/actor.js';
import { BusinessParams, businessRoutes } from '../http/route-kit.js';
import { NoContent, PageQuery, pageOf } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { AgentParams, AgentSchema, CreateAgentBody, UpdateAgentBody } from './schemas.js';
import type { AgentService } from './service.js';

const route = businessRoutes('agents', 'Agents');

export function registerAgentRoutes(app: App, deps: { agents: AgentService }): void {
  const { agents } = deps;

  app.get(
    '/api/v1/businesses/:businessId/agents',
    route({
      summary: 'List voice agents',
      params: BusinessParams,
      querystring: Type.Object(PageQuery),
      response: { 200: pageOf(AgentSchema) },
    }),
    async (request) => agents.list(request.business.id, request.query),
  );

  app.post(
    '/api/v1/businesses/:businessId/agents',
    route({
      summary: 'Create a voice agent',
      params: BusinessParams,
      body: CreateAgentBody,
      response: { 201: AgentSchema },
    }),
    async (request, reply) => {
      const agent = await agents.create(request.business, request.body, actorOf(request));
      return reply.code(201).send(agent);
    },
  );

  app.get(
    '/api/v1/businesses/:businessId/agents/:agentId',
    route({
      summary: 'Get a voice agent',
      params: AgentParams,
      response: { 200: AgentSchema },
    }),
    async (request) => agents.get(request.business.id, request.params.agentId),
  );

  app.patch(
    '/api/v1/businesses/:businessId/agents/:agentId',
    route({
      summary: 'Update a voice agent (calls already accepted keep the old version)',
      params: AgentParams,
      body: UpdateAgentBody,
      response: { 200: AgentSchema },
    }),
    async (request) =>
      agents.update(request.business, request.params.agentId, request.body, actorOf(request)),
  );

  app.delete(
    '/api/v1/businesses/:businessId/agents/:agentId',
    route({
      summary: 'Delete a voice agent (its calls and conversations stay)',
      params: AgentParams,
      response: { 204: NoContent },
    }),
    async (request, reply) => {
      await agents.remove(request.business, request.params.agentId, actorOf(request));
      return reply.code(204).send(null);
    },
  );
}
