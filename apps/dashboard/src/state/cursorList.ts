import type { Page } from '@iqra/sdk';
import { useCallback, useEffect, useState } from 'react';
import { ApiProblem } from '../api/client';

export interface CursorList<T> {
  status: 'loading' | 'ready' | 'error';
  items: T[];
  nextCursor: string | null;
  error: ApiProblem | null;
  loadingMore: boolean;
  reload: () => void;
  loadMore: () => void;
  /** Asks the first page again: its rows replace theirs, new ones go on top (a quiet refresh). */
  refresh: () => Promise<void>;
}

interface State<T> {
  status: 'loading' | 'ready' | 'error';
  items: T[];
  nextCursor: string | null;
  error: ApiProblem | null;
  loadingMore: boolean;
}

function asProblem(error: unknown): ApiProblem {
  return error instanceof ApiProblem
    ? error
    : new ApiProblem(0, 'unexpected', 'Something went wrong. Please try again.');
}

/**
 * A list a page reads a page at a time, fetched again from the start whenever `fetchPage`
 * changes (a filter changed): unlike `useCollection`, nothing is kept between visits.
 */
export function useCursorList<T>(
  fetchPage: (cursor?: string | null) => Promise<Page<T>>,
  keyOf: (item: T) => string,
): CursorList<T> {
  const [state, setState] = useState<State<T>>({
    status: 'loading',
    items: [],
    nextCursor: null,
    error: null,
    loadingMore: false,
  });

  const load = useCallback(async () => {
    setState((s) => ({ ...s, status: 'loading', error: null }));
    try {
      const page = await fetchPage();
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
  }, [fetchPage]);

  useEffect(() => {
    void load();
  }, [load]);

  const refresh = useCallback(async () => {
    const page = await fetchPage();
    setState((s) => {
      const fresh = new Map(page.data.map((item) => [keyOf(item), item]));
      const known = new Set(s.items.map(keyOf));
      const added = page.data.filter((item) => !known.has(keyOf(item)));
      const items = [...added, ...s.items.map((item) => fresh.get(keyOf(item)) ?? item)];
      return { ...s, status: 'ready', error: null, items };
    });
  }, [fetchPage, keyOf]);

  const loadMore = useCallback(async () => {
    if (!state.nextCursor || state.loadingMore) return;
    const cursor = state.nextCursor;
    setState((s) => ({ ...s, loadingMore: true, error: null }));
    try {
      const page = await fetchPage(cursor);
      setState((s) => {
        const known = new Set(s.items.map(keyOf));
        return {
          ...s,
          items: [...s.items, ...page.data.filter((item) => !known.has(keyOf(item)))],
          nextCursor: page.nextCursor,
          loadingMore: false,
        };
      });
    } catch (error) {
      setState((s) => ({ ...s, loadingMore: false, error: asProblem(error) }));
    }
  }, [fetchPage, keyOf, state.nextCursor, state.loadingMore]);

  return { ...state, reload: () => void load(), loadMore: () => void loadMore(), refresh };
}
