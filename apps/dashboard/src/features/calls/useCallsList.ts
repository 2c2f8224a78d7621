import type { Call, CallListParams } from '@iqra/sdk';
import { useCallback, useEffect, useState } from 'react';
import { ApiProblem } from '../../api/client';
import { voiceApi } from '../../api/voice';
import { usePoll } from '../../lib/poll';
import { isLive } from './callStatus';

interface State {
  status: 'loading' | 'ready' | 'error';
  items: Call[];
  nextCursor: string | null;
  error: ApiProblem | null;
  loadingMore: boolean;
}

const POLL_MS = 2500;

/**
 * One business's calls with filters, cursor paging, and live rows kept current: while a shown
 * call is not over, the first page is asked again every few seconds (one request at a time,
 * waiting out a 429), and its rows replace the old ones in place.
 */
export function useCallsList(businessId: string, filters: CallListParams, limit?: number) {
  const [state, setState] = useState<State>({
    status: 'loading',
    items: [],
    nextCursor: null,
    error: null,
    loadingMore: false,
  });
  const { status, agentId, createdAfter, createdBefore } = filters;

  const load = useCallback(async () => {
    setState((s) => ({ ...s, status: 'loading', error: null }));
    try {
      const page = await voiceApi.calls(
        businessId,
        { status, agentId, createdAfter, createdBefore },
        null,
        limit,
      );
      setState({
        status: 'ready',
        items: page.data,
        nextCursor: page.nextCursor,
        error: null,
        loadingMore: false,
      });
    } catch (error) {
      setState((s) => ({ ...s, status: 'error', error: asProblem(error) }));
    }
  }, [businessId, status, agentId, createdAfter, createdBefore, limit]);

  useEffect(() => {
    void load();
  }, [load]);

  const refresh = useCallback(async () => {
    const page = await voiceApi.calls(
      businessId,
      { status, agentId, createdAfter, createdBefore },
      null,
      limit,
    );
    setState((s) => ({ ...s, items: merge(s.items, page.data) }));
  }, [businessId, status, agentId, createdAfter, createdBefore, limit]);

  usePoll(refresh, { enabled: state.items.some((c) => isLive(c.status)), intervalMs: POLL_MS });

  const loadMore = useCallback(async () => {
    if (!state.nextCursor || state.loadingMore) return;
    setState((s) => ({ ...s, loadingMore: true, error: null }));
    try {
      const page = await voiceApi.calls(
        businessId,
        { status, agentId, createdAfter, createdBefore },
        state.nextCursor,
        limit,
      );
      setState((s) => ({
        ...s,
        items: [...s.items, ...page.data.filter((c) => !s.items.some((o) => o.id === c.id))],
        nextCursor: page.nextCursor,
        loadingMore: false,
      }));
    } catch (error) {
      setState((s) => ({ ...s, loadingMore: false, error: asProblem(error) }));
    }
  }, [
    businessId,
    status,
    agentId,
    createdAfter,
    createdBefore,
    limit,
    state.nextCursor,
    state.loadingMore,
  ]);

  /** A call just placed goes on top without a request. */
  const add = useCallback((call: Call) => {
    setState((s) => ({ ...s, items: merge(s.items, [call]) }));
  }, []);

  return { ...state, reload: () => void load(), loadMore: () => void loadMore(), add };
}

/** Fresh rows replace their old selves; new ones go on top (the list is newest first). */
export function merge(current: Call[], fresh: Call[]): Call[] {
  const byId = new Map(fresh.map((c) => [c.id, c]));
  const known = new Set(current.map((c) => c.id));
  const added = fresh.filter((c) => !known.has(c.id));
  return [...added, ...current.map((c) => byId.get(c.id) ?? c)];
}

function asProblem(error: unknown): ApiProblem {
  return error instanceof ApiProblem
    ? error
    : new ApiProblem(0, 'unexpected', 'Something went wrong. Please try again.');
}
