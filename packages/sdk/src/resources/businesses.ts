import { PageIterator } from '../pagination.js';
import type { Transport } from '../transport.js';
import type {
  Agent,
  AgentCreate,
  AgentListParams,
  AgentUpdate,
  Business,
  BusinessCreate,
  BusinessListParams,
  BusinessUpdate,
  Page,
  TelephonySettings,
  TelephonyUpdate,
} from '../types.js';
import { biz, seg } from './paths.js';

export class Businesses {
  constructor(private readonly http: Transport) {}

  /** The businesses this credential can reach, newest first, every page. */
  list(params: BusinessListParams = {}): PageIterator<Business> {
    return new PageIterator((cursor) =>
      this.http.request<Page<Business>>('GET', '/api/v1/businesses', {
        query: { ...params, cursor },
      }),
    );
  }

  /** Needs an unrestricted key. */
  create(body: BusinessCreate): Promise<Business> {
    return this.http.request('POST', '/api/v1/businesses', { body });
  }

  retrieve(businessId: string): Promise<Business> {
    return this.http.request('GET', biz(businessId));
  }

  update(businessId: string, body: BusinessUpdate): Promise<Business> {
    return this.http.request('PATCH', biz(businessId), { body });
  }

  delete(businessId: string): Promise<void> {
    return this.http.request('DELETE', biz(businessId));
  }
}

export class Agents {
  constructor(private readonly http: Transport) {}

  list(businessId: string, params: AgentListParams = {}): PageIterator<Agent> {
    return new PageIterator((cursor) =>
      this.http.request<Page<Agent>>('GET', `${biz(businessId)}/agents`, {
        query: { ...params, cursor },
      }),
    );
  }

  create(businessId: string, body: AgentCreate): Promise<Agent> {
    return this.http.request('POST', `${biz(businessId)}/agents`, { body });
  }

  retrieve(businessId: string, agentId: string): Promise<Agent> {
    return this.http.request('GET', `${biz(businessId)}/agents/${seg(agentId)}`);
  }

  update(businessId: string, agentId: string, body: AgentUpdate): Promise<Agent> {
    return this.http.request('PATCH', `${biz(businessId)}/agents/${seg(agentId)}`, { body });
  }

  delete(businessId: string, agentId: string): Promise<void> {
    return this.http.request('DELETE', `${biz(businessId)}/agents/${seg(agentId)}`);
  }
}

/** The carrier of a business: the built-in simulator, or a Twilio account. */
export class Telephony {
  constructor(private readonly http: Transport) {}

  retrieve(businessId: string): Promise<TelephonySettings> {
    return this.http.request('GET', `${biz(businessId)}/telephony`);
  }

  update(businessId: string, body: TelephonyUpdate): Promise<TelephonySettings> {
    return this.http.request('PUT', `${biz(businessId)}/telephony`, { body });
  }
}
