import { PageIterator } from '../pagination.js';
import type { Transport } from '../transport.js';
import type {
  Call,
  CallCreate,
  CallListParams,
  Conversation,
  ConversationListParams,
  ConversationSummary,
  Page,
} from '../types.js';
import { biz, newIdempotencyKey, seg } from './paths.js';

export interface IdempotentOptions {
  /**
   * The `Idempotency-Key` to send. One is made for you (a UUID) when omitted; pass your own to
   * make a retry of yours, across processes, return the first call instead of placing another.
   */
  idempotencyKey?: string;
}

export class Calls {
  constructor(private readonly http: Transport) {}

  list(businessId: string, params: CallListParams = {}): PageIterator<Call> {
    return new PageIterator((cursor) =>
      this.http.request<Page<Call>>('GET', `${biz(businessId)}/calls`, {
        query: { ...params, cursor },
      }),
    );
  }

  /**
   * Places an outbound call. Always sends an `Idempotency-Key`, so the SDK's own retries (after a
   * dropped connection, a 429 or a 5xx) return the first call and never place a second one.
   */
  create(businessId: string, body: CallCreate, options: IdempotentOptions = {}): Promise<Call> {
    return this.http.request('POST', `${biz(businessId)}/calls`, {
      body,
      idempotencyKey: options.idempotencyKey ?? newIdempotencyKey(),
    });
  }

  retrieve(businessId: string, callId: string): Promise<Call> {
    return this.http.request('GET', `${biz(businessId)}/calls/${seg(callId)}`);
  }

  /** Cancels a call not yet answered. Not retried (a POST without an `Idempotency-Key`). */
  cancel(businessId: string, callId: string): Promise<Call> {
    return this.http.request('POST', `${biz(businessId)}/calls/${seg(callId)}/cancel`);
  }
}

export class Conversations {
  constructor(private readonly http: Transport) {}

  /**
   * Conversation history, newest first, without transcripts:
   * `for await (const c of iqra.conversations.list(businessId, { status: 'completed' }))`.
   */
  list(businessId: string, params: ConversationListParams = {}): PageIterator<ConversationSummary> {
    return new PageIterator((cursor) =>
      this.http.request<Page<ConversationSummary>>('GET', `${biz(businessId)}/conversations`, {
        query: { ...params, cursor },
      }),
    );
  }

  /** One conversation with its transcript (`messages`). */
  retrieve(businessId: string, conversationId: string): Promise<Conversation> {
    return this.http.request('GET', `${biz(businessId)}/conversations/${seg(conversationId)}`);
  }
}
