import type { Page } from '@iqra/sdk';
import { useCallback, useMemo, useRef, useState } from 'react';
import { ApiProblem } from '../api/client';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface Collection<T> {
  status: LoadStatus;
  items: T[];
  nextCursor: string | null;
  error: ApiProblem | null;
  loadingMore: boolean;
  /** Loads the first time it is called; later calls reuse what is there. */
  ensure: () => void;
  /** Loads again from the first page (after an error). */
  reload: () => void;
  loadMore: () => void;
  /** Puts a created or changed item in place, without a request. */
  upsert: (item: T) => void;
  /** Drops a deleted item, without a request. */
  remove: (id: string) => void;
}

interface State<T> {
  status: LoadStatus;
  items: T[];
  nextCursor: string | null;
  error: ApiProblem | null;
  loadingMore: boolean;
}

const MAX_PAGES = 20;

function toProblem(error: unknown): ApiProblem {
  return error instanceof ApiProblem
    ? error
    : new ApiProblem(0, 'unexpected', 'Something went wrong. Please try again.');
}

/**
 * A list from the API, kept for the whole session so moving between pages costs no request.
 * With `all`, every page is fetched (businesses: the switcher and the key table need them all).
 */
export function useCollection<T extends { id: string }>(
  fetchPage: (cursor?: string | null) => Promise<Page<T>>,
  options: { all?: boolean } = {},
): Collection<T> {
  const [state, setState] = useState<State<T>>({
    status: 'idle',
    items: [],
    nextCursor: null,
    error: null,
    loadingMore: false,
  });
  const started = useRef(false);
  const all = options.all ?? false;

  const load = useCallback(async () => {
    started.current = true;
    setState((s) => ({ ...s, status: 'loading', error: null }));
    try {
      let page = await fetchPage();
      const items = [...page.data];
      for (let n = 1; all && page.nextCursor && n < MAX_PAGES; n++) {
        page = await fetchPage(page.nextCursor);
        items.push(...page.data);
      }
      setState({
        status: 'ready',
        items,
        nextCursor: page.nextCursor,
        error: null,
        loadingMore: false,
      });
    } catch (error) {
      setState((s) => ({ ...s, status: 'error', error: toProblem(error) }));
    }
  }, [fetchPage, all]);

  const ensure = useCallback(() => {
    if (!started.current) void load();
  }, [load]);

  const loadMore = useCallback(async () => {
    const cursor = state.nextCursor;
    if (!cursor || state.loadingMore) return;
    setState((s) => ({ ...s, loadingMore: true, error: null }));
    try {
      const page = await fetchPage(cursor);
      setState((s) => {
        const known = new Set(s.items.map((item) => item.id));
        return {
          ...s,
          items: [...s.items, ...page.data.filter((item) => !known.has(item.id))],
          nextCursor: page.nextCursor,
          loadingMore: false,
        };
      });
    } catch (error) {
      setState((s) => ({ ...s, loadingMore: false, error: toProblem(error) }));
    }
  }, [fetchPage, state.nextCursor, state.loadingMore]);

  const upsert = useCallback((item: T) => {
    setState((s) => {
      const index = s.items.findIndex((existing) => existing.id === item.id);
      if (index === -1) return { ...s, items: [item, ...s.items] };
      const items = [...s.items];
      items[index] = item;
      return { ...s, items };
    });
  }, []);

  const remove = useCallback((id: string) => {
    setState((s) => ({ ...s, items: s.items.filter((item) => item.id !== id) }));
  }, []);

  return useMemo(
    () => ({
      ...state,
      ensure,
      reload: () => void load(),
      loadMore: () => void loadMore(),
      upsert,
      remove,
    }),
    [state, ensure, load, loadMore, upsert, remove],
  );
}
