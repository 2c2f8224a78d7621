import { useCallback, useEffect, useState } from 'react';
import { ApiProblem } from '../api/client';

export type Resource<T> =
  | { status: 'loading'; data: null; error: null }
  | { status: 'ready'; data: T; error: null }
  | { status: 'error'; data: T | null; error: ApiProblem };

/** One object from the API, fetched when `load` changes; `set` puts a newer copy in place. */
export function useResource<T>(load: () => Promise<T>) {
  const [state, setState] = useState<Resource<T>>({ status: 'loading', data: null, error: null });

  const fetchIt = useCallback(async () => {
    setState((s) => (s.data ? s : { status: 'loading', data: null, error: null }));
    try {
      const data = await load();
      setState({ status: 'ready', data, error: null });
    } catch (error) {
      const problem =
        error instanceof ApiProblem
          ? error
          : new ApiProblem(0, 'unexpected', 'Something went wrong. Please try again.');
      setState((s) => ({ status: 'error', data: s.data, error: problem }));
    }
  }, [load]);

  useEffect(() => {
    void fetchIt();
  }, [fetchIt]);

  const set = useCallback((data: T) => setState({ status: 'ready', data, error: null }), []);
  return { ...state, reload: () => void fetchIt(), set };
}
