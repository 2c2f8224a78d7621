import type { Agent, Business, WebhookEndpoint } from '@iqra/sdk';
import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import { voiceApi } from '../api/voice';
import { type Collection, useCollection } from './collection';

interface BusinessDataValue {
  business: Business;
  agents: Collection<Agent>;
  webhooks: Collection<WebhookEndpoint>;
  /** Forgets a deleted item without a request. */
  removeAgent: (id: string) => void;
  removeWebhook: (id: string) => void;
}

const BusinessDataContext = createContext<BusinessDataValue | null>(null);

/**
 * What the pages of one business share: its agents (the calls, conversations and test-call views
 * name them) and its webhook endpoints, fetched once. Keyed by business id by its parent, so
 * switching business starts afresh.
 */
export function BusinessDataProvider({
  business,
  children,
}: {
  business: Business;
  children: ReactNode;
}) {
  const fetchAgents = useCallback(
    (cursor?: string | null) => voiceApi.agents(business.id, cursor),
    [business.id],
  );
  const fetchWebhooks = useCallback(
    (cursor?: string | null) => voiceApi.webhooks(business.id, cursor),
    [business.id],
  );
  const agents = useCollection(fetchAgents, { all: true });
  const webhooks = useCollection(fetchWebhooks, { all: true });
  const { remove: removeAgent } = agents;
  const { remove: removeWebhook } = webhooks;

  const value = useMemo(
    () => ({ business, agents, webhooks, removeAgent, removeWebhook }),
    [business, agents, webhooks, removeAgent, removeWebhook],
  );
  return <BusinessDataContext.Provider value={value}>{children}</BusinessDataContext.Provider>;
}

/** The current business's shared data; pages under `RequireBusiness` only. */
export function useBusinessData(): BusinessDataValue {
  const value = useContext(BusinessDataContext);
  if (!value) throw new Error('useBusinessData needs a BusinessDataProvider.');
  return value;
}

/** The same, or null outside a business (the overview of an account with none yet). */
export function useOptionalBusinessData(): BusinessDataValue | null {
  return useContext(BusinessDataContext);
}

/** The agent's name for a table cell, or its id while the agents load (or once it is deleted). */
export function agentName(agents: Agent[], id: string): string {
  return agents.find((agent) => agent.id === id)?.name ?? id;
}
