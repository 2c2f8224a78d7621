import {
  type FormEvent,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type RefObject,
  useEffect,
  useId,
  useRef,
} from 'react';
import { createPortal } from 'react-dom';
import { Icon } from './Icon';

export interface DialogProps {
  title: string;
  description?: ReactNode;
  /** Asked to close: Escape, the × button or a click on the backdrop (when dismissible). */
  onClose: () => void;
  /** False for a dialog that must be answered (the shown-once key): no Escape, no ×, no backdrop. */
  dismissible?: boolean;
  /** A request is running: closing is paused until it settles. */
  busy?: boolean;
  /** Where focus goes on open; default: the first field or button of the body. */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Makes the body and footer one form, so Enter submits. */
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  role?: 'dialog' | 'alertdialog';
  children?: ReactNode;
}

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** Marks the page behind open dialogs inert, counting dialogs so nested opens and closes agree. */
let openDialogs = 0;
function setBackgroundInert(on: boolean): void {
  openDialogs += on ? 1 : -1;
  const inert = openDialogs > 0;
  for (const child of Array.from(document.body.children)) {
    if (child instanceof HTMLElement && !child.hasAttribute('data-layer')) child.inert = inert;
  }
  document.body.classList.toggle('has-dialog', inert);
}

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !el.closest('[inert], [hidden]'),
  );
}

/**
 * The one modal of the dashboard: rendered over an inert page, focus kept inside (Tab wraps),
 * Escape closes when dismissible, and focus goes back to what opened it.
 */
export function Dialog({
  title,
  description,
  onClose,
  dismissible = true,
  busy = false,
  initialFocus,
  onSubmit,
  footer,
  size = 'md',
  role = 'dialog',
  children,
}: DialogProps) {
  const titleId = useId();
  const descriptionId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  // Read once, when the dialog opens.
  const initialFocusRef = useRef(initialFocus);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setBackgroundInert(true);
    const root = panel.current;
    if (root) {
      const target =
        initialFocusRef.current?.current ??
        focusables(root.querySelector<HTMLElement>('.dialog-body') ?? root)[0] ??
        focusables(root)[0] ??
        root;
      target.focus();
    }
    return () => {
      setBackgroundInert(false);
      // The opener may be gone (a revoked key's row loses its button): fall back to the page.
      if (opener?.isConnected) opener.focus();
      else document.getElementById('main')?.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      if (dismissible && !busy) closeRef.current();
      return;
    }
    if (event.key !== 'Tab' || !panel.current) return;
    const items = focusables(panel.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !panel.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !panel.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  function onBackdrop(event: MouseEvent<HTMLDivElement>) {
    if (dismissible && !busy && event.target === event.currentTarget) closeRef.current();
  }

  const content = (
    <>
      <div className="dialog-body">{children}</div>
      {footer && <div className="dialog-footer">{footer}</div>}
    </>
  );

  return createPortal(
    // biome-ignore lint/a11y/noStaticElementInteractions: a backdrop click is a mouse shortcut for Escape
    <div className="dialog-layer" data-layer="dialog" onMouseDown={onBackdrop}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the role is dialog or alertdialog */}
      {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the role is dialog or alertdialog */}
      <div
        ref={panel}
        className={`dialog dialog-${size}`}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div className="dialog-header">
          <div>
            <h2 id={titleId} className="dialog-title">
              {title}
            </h2>
            {description && (
              <p id={descriptionId} className="dialog-description">
                {description}
              </p>
            )}
          </div>
          {dismissible && (
            <button
              type="button"
              className="icon-btn"
              aria-label="Close"
              onClick={onClose}
              disabled={busy}
            >
              <Icon name="close" size={18} />
            </button>
          )}
        </div>
        {onSubmit ? (
          <form className="dialog-form" noValidate onSubmit={onSubmit}>
            {content}
          </form>
        ) : (
          content
        )}
      </div>
    </div>,
    document.body,
  );
}
