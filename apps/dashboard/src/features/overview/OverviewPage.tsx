import { useEffect } from 'react';
import { Link } from 'react-router';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatDate } from '../../lib/format';
import { useUser } from '../../session/session';
import { BusinessDataProvider } from '../../state/business';
import { useData } from '../../state/data';
import { Badge } from '../../ui/Badge';
import { Callout } from '../../ui/Callout';
import { useCallsList } from '../calls/useCallsList';
import { GetStarted } from './GetStarted';
import { RecentCalls } from './RecentCalls';

export function OverviewPage() {
  usePageTitle('Overview');
  const user = useUser();
  const { businesses, keys, currentBusiness } = useData();

  useEffect(() => {
    businesses.ensure();
    keys.ensure();
  }, [businesses.ensure, keys.ensure]);

  const loading = (c: { status: string }) => c.status === 'idle' || c.status === 'loading';
  const activeKeys = keys.items.filter((key) => key.status === 'active').length;
  const firstName = user.name.trim().split(/\s+/)[0] ?? user.name;

  return (
    <>
      <PageHeader
        title={`Welcome, ${firstName}`}
        description="Set up a business, give your integration a scoped key, and call the API."
      />
      {(businesses.status === 'error' || keys.status === 'error') && (
        <Callout tone="danger" role="alert" title="Some of your data did not load">
          {(businesses.error ?? keys.error)?.detail}
        </Callout>
      )}
      <div className="grid-3">
        <section className="card stat" aria-label="Businesses">
          <span className="stat-label">Businesses</span>
          {loading(businesses) ? (
            <span className="skeleton stat-skeleton" />
          ) : (
            <span className="stat-value">{businesses.items.length}</span>
          )}
        </section>
        <section className="card stat" aria-label="Active API keys">
          <span className="stat-label">Active API keys</span>
          {loading(keys) ? (
            <span className="skeleton stat-skeleton" />
          ) : (
            <span className="stat-value">{activeKeys}</span>
          )}
        </section>
        <section className="card stat" aria-label="Current business">
          <span className="stat-label">Current business</span>
          {loading(businesses) ? (
            <span className="skeleton stat-skeleton" />
          ) : currentBusiness ? (
            <span className="stat-text">
              {currentBusiness.name}{' '}
              {currentBusiness.disabled && <Badge tone="warning">Disabled</Badge>}
              <span className="stat-sub">
                {currentBusiness.timezone} · since {formatDate(currentBusiness.createdAt)}
              </span>
            </span>
          ) : (
            <span className="stat-text muted">None yet</span>
          )}
        </section>
      </div>

      {currentBusiness ? (
        <BusinessDataProvider key={currentBusiness.id} business={currentBusiness}>
          <BusinessOverview businessId={currentBusiness.id} />
        </BusinessDataProvider>
      ) : (
        <GetStarted calls={null} />
      )}
      <p className="page-note">
        Need the full contract? The{' '}
        <a className="link" href="/docs">
          interactive reference
        </a>{' '}
        lets you paste a key and send requests. Manage keys under{' '}
        <Link className="link" to="/keys">
          API keys
        </Link>
        .
      </p>
    </>
  );
}

const NO_FILTERS = {};

function BusinessOverview({ businessId }: { businessId: string }) {
  const calls = useCallsList(businessId, NO_FILTERS, 5);
  return (
    <>
      <GetStarted calls={calls.status === 'ready' ? calls.items : null} />
      <RecentCalls calls={calls} />
    </>
  );
}
