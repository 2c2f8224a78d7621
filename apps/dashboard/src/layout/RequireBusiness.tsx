import type { ReactNode } from 'react';
import { Outlet } from 'react-router';
import { BusinessDataProvider } from '../state/business';
import { useData } from '../state/data';
import { Button, ButtonLink } from '../ui/Button';
import { Callout } from '../ui/Callout';
import { EmptyState } from '../ui/EmptyState';
import { Spinner } from '../ui/Spinner';

/**
 * The pages of one business (agents, calls, …): they show the business the switcher names, and
 * say what to do when there is none yet.
 */
export function RequireBusiness({ children }: { children?: ReactNode }) {
  const { businesses, currentBusiness } = useData();
  if (businesses.status === 'idle' || businesses.status === 'loading') {
    return (
      <div className="page-loading">
        <Spinner size={24} label="Loading your businesses" />
      </div>
    );
  }
  if (businesses.status === 'error' && !currentBusiness) {
    return (
      <Callout tone="danger" role="alert" title="Your businesses did not load">
        {businesses.error?.detail}{' '}
        <Button size="sm" onClick={businesses.reload}>
          Try again
        </Button>
      </Callout>
    );
  }
  if (!currentBusiness) {
    return (
      <div className="card">
        <EmptyState
          icon="building"
          title="Create a business first"
          action={
            <ButtonLink to="/businesses" variant="primary" icon="plus">
              Create a business
            </ButtonLink>
          }
        >
          Agents, calls, conversations and webhooks belong to a business: one clinic, shop or
          support line.
        </EmptyState>
      </div>
    );
  }
  return (
    <BusinessDataProvider key={currentBusiness.id} business={currentBusiness}>
      {children ?? <Outlet />}
    </BusinessDataProvider>
  );
}
