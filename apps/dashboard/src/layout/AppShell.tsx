import { Outlet } from 'react-router';
import { useBrand } from '../brand/brand';
import { LeakNotices } from '../features/notices/LeakNotices';
import { useSession, useUser } from '../session/session';
import { Button } from '../ui/Button';
import { useSubmit } from '../ui/useSubmit';
import { BrandMark } from './BrandMark';
import { BusinessSwitcher } from './BusinessSwitcher';
import { Nav } from './Nav';

export function AppShell() {
  const brand = useBrand();
  const user = useUser();
  const { logout } = useSession();
  const leave = useSubmit({
    action: logout,
    leavesOnSuccess: true,
    failureToast: (message) => `Could not log out: ${message}`,
  });

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-brand">
          <BrandMark name={brand.name} logoUrl={brand.settings?.logoUrl} />
          <span className="sidebar-brand-name" data-testid="brand-name">
            {brand.name}
          </span>
        </div>
        <Nav />
        <div className="sidebar-user">
          <span className="avatar" aria-hidden="true">
            {initials(user.name)}
          </span>
          <span className="sidebar-user-text">
            <span className="sidebar-user-name">{user.name}</span>
            <span className="sidebar-user-email">{user.email}</span>
          </span>
          <Button
            variant="ghost"
            size="sm"
            icon="logout"
            aria-label="Log out"
            title="Log out"
            loading={leave.busy}
            onClick={() => leave.run()}
          />
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <BusinessSwitcher />
        </header>
        <main id="main" className="content" tabIndex={-1}>
          <LeakNotices />
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [parts[0]];
  return letters.map((part) => part?.charAt(0).toUpperCase() ?? '').join('') || '?';
}
