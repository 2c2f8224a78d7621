import type { Whitelabel } from '@iqra/sdk';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { api } from '../api/endpoints';
import { contrastText, isHexColor } from '../lib/color';

export const DEFAULT_BRAND = 'Iqra';

interface BrandValue {
  /** Null until loaded, and when loading failed (the dashboard then shows the default brand). */
  settings: Whitelabel | null;
  status: 'loading' | 'ready' | 'error';
  name: string;
  save: (settings: Omit<Whitelabel, 'updatedAt'>) => Promise<Whitelabel>;
}

const BrandContext = createContext<BrandValue>({
  settings: null,
  status: 'ready',
  name: DEFAULT_BRAND,
  save: () => Promise.reject(new Error('No BrandProvider.')),
});

const BRAND_VARIABLES = ['--color-primary', '--color-primary-contrast'];

/** Applies the brand colour to the whole dashboard through CSS variables. */
export function applyBrandColor(color: string | null): void {
  const root = document.documentElement.style;
  if (color && isHexColor(color)) {
    root.setProperty('--color-primary', color);
    root.setProperty('--color-primary-contrast', contrastText(color));
  } else {
    for (const name of BRAND_VARIABLES) root.removeProperty(name);
  }
}

/** The user's white-label settings: loaded once after sign-in, applied at once when saved. */
export function BrandProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<Whitelabel | null>(null);
  const [status, setStatus] = useState<BrandValue['status']>('loading');

  useEffect(() => {
    let live = true;
    api.whitelabel().then(
      (loaded) => {
        if (!live) return;
        setSettings(loaded);
        setStatus('ready');
      },
      () => live && setStatus('error'),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    applyBrandColor(settings?.primaryColor ?? null);
  }, [settings?.primaryColor]);
  useEffect(() => () => applyBrandColor(null), []);

  const save = useCallback(async (next: Omit<Whitelabel, 'updatedAt'>) => {
    const saved = await api.saveWhitelabel(next);
    setSettings(saved);
    setStatus('ready');
    return saved;
  }, []);

  const value = useMemo<BrandValue>(
    () => ({ settings, status, name: settings?.brandName || DEFAULT_BRAND, save }),
    [settings, status, save],
  );
  return <BrandContext.Provider value={value}>{children}</BrandContext.Provider>;
}

export function useBrand(): BrandValue {
  return useContext(BrandContext);
}

/** Sets the tab title: "API keys · Acme Voice". */
export function usePageTitle(title: string): void {
  const { name } = useBrand();
  useEffect(() => {
    document.title = `${title} · ${name}`;
  }, [title, name]);
}
