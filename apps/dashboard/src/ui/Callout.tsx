import type { ReactNode } from 'react';
import { Icon } from './Icon';

/** A one-block message inside a page or dialog: a warning, an error or a hint. */
export function Callout({
  tone = 'info',
  title,
  children,
  role,
}: {
  tone?: 'info' | 'warning' | 'danger';
  title?: string;
  children?: ReactNode;
  role?: 'alert' | 'status';
}) {
  return (
    <div className={`callout callout-${tone}`} role={role}>
      <Icon name={tone === 'info' ? 'info' : 'warning'} size={18} />
      <div className="callout-body">
        {title && <p className="callout-title">{title}</p>}
        {children && <div className="callout-text">{children}</div>}
      </div>
    </div>
  );
}
