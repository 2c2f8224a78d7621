import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
} from 'react';
import { createPortal } from 'react-dom';
import { Icon } from './Icon';

type ToastTone = 'success' | 'danger' | 'info';

interface ToastItem {
  id: number;
  tone: ToastTone;
  message: string;
}

type Notify = (message: string, tone?: ToastTone) => void;

const ToastContext = createContext<Notify>(() => {});

const TIMEOUT_MS = 5000;

/** Short confirmations ("Key revoked") in a polite live region, outside any inert dialog. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => {
    setItems((current) => current.filter((item) => item.id !== id));
  }, []);

  const notify = useCallback<Notify>(
    (message, tone = 'success') => {
      const id = next.current++;
      setItems((current) => [...current.slice(-2), { id, tone, message }]);
      window.setTimeout(() => dismiss(id), TIMEOUT_MS);
    },
    [dismiss],
  );

  const value = useMemo(() => notify, [notify]);

  return (
    <ToastContext.Provider value={value}>
      {children}
      {createPortal(
        <section className="toasts" data-layer="toasts" aria-label="Notifications">
          <div role="status" aria-live="polite" className="toast-stack">
            {items.map((item) => (
              <div key={item.id} className={`toast toast-${item.tone}`}>
                <Icon
                  name={
                    item.tone === 'danger' ? 'warning' : item.tone === 'info' ? 'info' : 'check'
                  }
                  size={16}
                />
                <span className="toast-message">{item.message}</span>
                <button
                  type="button"
                  className="icon-btn icon-btn-sm"
                  aria-label="Dismiss notification"
                  onClick={() => dismiss(item.id)}
                >
                  <Icon name="close" size={14} />
                </button>
              </div>
            ))}
          </div>
        </section>,
        document.body,
      )}
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  return useContext(ToastContext);
}
