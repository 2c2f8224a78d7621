import { useEffect, useId, useRef, useState } from 'react';
import { NavLink, useLocation } from 'react-router';
import { Icon, type IconName } from '../ui/Icon';

interface NavItem {
  to: string;
  label: string;
  /** The label in the phone's tab row, where space is short. */
  short?: string;
  icon: IconName;
  end?: boolean;
  /** Shown in the phone's tab row; the others go under "More". */
  primary?: boolean;
}

const GROUPS: { title: string; items: NavItem[] }[] = [
  {
    title: 'Business',
    items: [
      { to: '/', label: 'Overview', short: 'Home', icon: 'home', end: true, primary: true },
      { to: '/calls', label: 'Calls', icon: 'phone', primary: true },
      { to: '/agents', label: 'Agents', icon: 'agent', primary: true },
      {
        to: '/conversations',
        label: 'Conversations',
        short: 'Chats',
        icon: 'chat',
        primary: true,
      },
      { to: '/webhooks', label: 'Webhooks', icon: 'webhook' },
      { to: '/telephony', label: 'Telephony', icon: 'plug' },
    ],
  },
  {
    title: 'Account',
    items: [
      { to: '/usage', label: 'Usage & billing', icon: 'chart' },
      { to: '/businesses', label: 'Businesses', icon: 'building' },
      { to: '/keys', label: 'API keys', icon: 'key' },
      { to: '/security', label: 'Security log', icon: 'shield' },
      { to: '/account', label: 'Account', icon: 'user' },
    ],
  },
];

const SECONDARY = GROUPS.flatMap((group) => group.items).filter((item) => !item.primary);

function isUnder(pathname: string, to: string): boolean {
  return pathname === to || pathname.startsWith(`${to}/`);
}

/**
 * The sidebar on a desktop; on a phone a row of the four most used pages plus "More", a menu
 * with the rest, so nothing sits off-screen however many pages there are.
 */
export function Nav() {
  return (
    <nav className="nav" aria-label="Main">
      {GROUPS.map((group) => (
        <div key={group.title} className="nav-group">
          <p className="nav-group-title">{group.title}</p>
          {group.items.map((item) => (
            <NavLink
              key={item.to}
              to={item.to}
              end={item.end}
              className={({ isActive }) =>
                ['nav-link', isActive && 'active', !item.primary && 'nav-secondary']
                  .filter(Boolean)
                  .join(' ')
              }
            >
              <Icon name={item.icon} size={18} />
              <span className="nav-label">{item.label}</span>
              <span className="nav-short" aria-hidden="true">
                {item.short ?? item.label}
              </span>
            </NavLink>
          ))}
        </div>
      ))}
      <a className="nav-link nav-secondary" href="/docs" target="_blank" rel="noopener noreferrer">
        <Icon name="book" size={18} />
        <span>API reference</span>
        <Icon name="external" size={14} />
      </a>
      <MoreMenu />
    </nav>
  );
}

function MoreMenu() {
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const current = SECONDARY.find((item) => isUnder(pathname, item.to));

  // Any navigation closes it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every path change on purpose
  useEffect(() => setOpen(false), [pathname]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    root.current?.querySelector<HTMLElement>('a')?.focus();
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape from anywhere in the menu closes it
    <div
      className="nav-more"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className={current ? 'nav-link active' : 'nav-link'}
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((was) => !was)}
      >
        <span>More</span>
        <Icon name="chevronDown" size={14} />
      </button>
      <div id={menuId} className="nav-more-menu" hidden={!open}>
        {SECONDARY.map((item) => (
          <NavLink
            key={item.to}
            to={item.to}
            className={({ isActive }) => (isActive ? 'nav-more-item active' : 'nav-more-item')}
          >
            <Icon name={item.icon} size={18} />
            <span>{item.label}</span>
          </NavLink>
        ))}
        <a className="nav-more-item" href="/docs" target="_blank" rel="noopener noreferrer">
          <Icon name="book" size={18} />
          <span>API reference</span>
        </a>
      </div>
    </div>
  );
}
