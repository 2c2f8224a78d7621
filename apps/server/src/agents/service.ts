import type { Kysely, Updateable } from 'kysely';
import { recordAudit } from '../audit/repo.js';
import type { AuditActor } from '../auth/actor.js';
import type { BusinessRow } from '../businesses/repo.js';
import { checkLanguage } from '../businesses/service.js';
import type { AgentsTable, Database } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { CursorCodec, Page } from '../http/pagination.js';
import { paginate, requireText } from '../http/route-kit.js';
import { isId, newId } from '../ids.js';
import {
  type AgentRow,
  deleteAgent,
  findAgent,
  insertAgent,
  listAgents,
  updateAgent,
} from './repo.js';
import type { Agent } from './schemas.js';
import { checkTemplate, variablesIn } from './template.js';

export function toAgentView(row: AgentRow): Agent {
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    voice: row.voice,
    greeting: row.greeting,
    instructions: row.instructions,
    variables: [...new Set([...variablesIn(row.greeting), ...variablesIn(row.instructions)])],
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface AgentInput {
  name?: string;
  greeting?: string;
  instructions?: string;
  language?: string;
  voice?: string;
  metadata?: Record<string, string>;
}

export const DEFAULT_VOICE = 'standard';

export type AgentService = ReturnType<typeof agentService>;

export function agentService({ db, cursors }: { db: Kysely<Database>; cursors: CursorCodec }) {
  async function find(businessId: string, agentId: string): Promise<AgentRow> {
    const row = isId('agt', agentId) ? await findAgent(db, businessId, agentId) : undefined;
    if (!row) throw new ApiError('not_found');
    return row;
  }

  return {
    async create(
      business: BusinessRow,
      input: AgentInput & { name: string; greeting: string },
      actor: AuditActor,
    ): Promise<Agent> {
      const now = new Date().toISOString();
      const row: AgentRow = {
        id: newId('agt'),
        business_id: business.id,
        name: requireText(input.name, '/name'),
        language: checkLanguage(input.language ?? business.default_language, '/language'),
        voice: input.voice ?? DEFAULT_VOICE,
        greeting: checkGreeting(input.greeting),
        instructions: checkInstructions(input.instructions ?? ''),
        metadata: JSON.stringify(input.metadata ?? {}),
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (trx) => {
        await insertAgent(trx, row);
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'agent.created',
          businessId: business.id,
          targetId: row.id,
        });
      });
      return toAgentView(row);
    },

    async list(
      businessId: string,
      query: { limit?: number; cursor?: string },
    ): Promise<Page<Agent>> {
      return paginate(
        cursors,
        query,
        (page) =>
          listAgents(db, {
            businessId,
            ...page,
          }),
        (r) => r.id,
        toAgentView,
      );
    },

    /** The agent row itself: calls snapshot it. */
    find,

    async get(businessId: string, agentId: string): Promise<Agent> {
      return toAgentView(await find(businessId, agentId));
    },

    async update(
      business: BusinessRow,
      agentId: string,
      input: AgentInput,
      actor: AuditActor,
    ): Promise<Agent> {
      await find(business.id, agentId);
      const patch: Updateable<AgentsTable> = { updated_at: new Date().toISOString() };
      if (input.name !== undefined) patch.name = requireText(input.name, '/name');
      if (input.greeting !== undefined) patch.greeting = checkGreeting(input.greeting);
      if (input.instructions !== undefined) {
        patch.instructions = checkInstructions(input.instructions);
      }
      if (input.language !== undefined) patch.language = checkLanguage(input.language, '/language');
      if (input.voice !== undefined) patch.voice = input.voice;
      if (input.metadata !== undefined) {
        patch.metadata = JSON.stringify(input.metadata);
      }
      await db.transaction().execute(async (trx) => {
        await updateAgent(trx, business.id, agentId, patch);
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'agent.updated',
          businessId: business.id,
          targetId: agentId,
          data: { fields: Object.keys(input) },
        });
      });
      return toAgentView(await find(business.id, agentId));
    },

    /** Calls already accepted keep the agent as it was: they carry a snapshot of it. */
    async remove(business: BusinessRow, agentId: string, actor: AuditActor): Promise<void> {
      if (!isId('agt', agentId)) throw new ApiError('not_found');
      await db.transaction().execute(async (trx) => {
        if (!(await deleteAgent(trx, business.id, agentId))) throw new ApiError('not_found');
        await recordAudit(trx, {
          userId: business.owner_id,
          actor,
          action: 'agent.deleted',
          businessId: business.id,
          targetId: agentId,
        });
      });
    },
  };
}

function checkGreeting(value: string): string {
  const greeting = requireText(value, '/greeting');
  checkTemplate(greeting, '/greeting');
  return greeting;
}

function checkInstructions(value: string): string {
  const instructions = value.trim();
  checkTemplate(instructions, '/instructions');
  return instructions;
}
