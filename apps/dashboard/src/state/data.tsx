import type { ApiKey, Business } from '@iqra/sdk';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { api } from '../api/endpoints';
import { storage } from '../lib/storage';
import { type Collection, useCollection } from './collection';

interface DataValue {
  businesses: Collection<Business>;
  keys: Collection<ApiKey>;
  /** The business the switcher shows; null when there is none. */
  currentBusiness: Business | null;
  selectBusiness: (id: string) => void;
}

const DataContext = createContext<DataValue | null>(null);

const fetchBusinesses = (cursor?: string | null) => api.businesses(cursor);
const fetchKeys = (cursor?: string | null) => api.keys(cursor);

/** The signed-in user's businesses and keys, fetched once and updated in place. */
export function DataProvider({ children }: { children: ReactNode }) {
  const businesses = useCollection(fetchBusinesses, { all: true });
  const keys = useCollection(fetchKeys);
  const [selectedId, setSelectedId] = useState(() => storage.currentBusiness());

  const selectBusiness = useCallback((id: string) => {
    storage.setCurrentBusiness(id);
    setSelectedId(id);
  }, []);

  const currentBusiness = useMemo(() => {
    const items = businesses.items;
    return (
      items.find((b) => b.id === selectedId) ?? items.find((b) => !b.disabled) ?? items[0] ?? null
    );
  }, [businesses.items, selectedId]);

  const value = useMemo(
    () => ({ businesses, keys, currentBusiness, selectBusiness }),
    [businesses, keys, currentBusiness, selectBusiness],
  );
  return <DataContext.Provider value={value}>{children}</DataContext.Provider>;
}

export function useData(): DataValue {
  const value = useContext(DataContext);
  if (!value) throw new Error('useData needs a DataProvider.');
  return value;
}
