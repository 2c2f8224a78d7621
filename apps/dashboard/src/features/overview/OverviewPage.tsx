import { useEffect } from 'react';
import { Link } from 'react-router';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatDate } from '../../lib/format';
import { useUser } from '../../session/session';
import { useData } from '../../state/data';
import { Badge } from '../../ui/Badge';
import { ButtonLink } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { Icon } from '../../ui/Icon';

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
  const steps = [
    {
      done: businesses.items.length > 0,
      title: 'Create a business',
      text: 'A workspace for one clinic, shop or support line.',
      to: '/businesses',
      action: 'Businesses',
    },
    {
      done: keys.items.length > 0,
      title: 'Add an API key',
      text: 'Restricted to the businesses it needs. You see it once.',
      to: '/keys',
      action: 'API keys',
    },
  ];
  const firstName = user.name.trim().split(/\s+/)[0] ?? user.name;
  const origin = window.location.origin;

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

      <section className="card" aria-labelledby="start-title">
        <div className="card-header">
          <h2 id="start-title" className="card-title">
            Get started
          </h2>
        </div>
        <ol className="steps">
          {steps.map((step, index) => (
            <li key={step.title} className={step.done ? 'step step-done' : 'step'}>
              <span className="step-mark" aria-hidden="true">
                {step.done ? <Icon name="check" size={16} /> : index + 1}
              </span>
              <div className="step-body">
                <p className="step-title">
                  {step.title}
                  {step.done && <span className="visually-hidden"> (done)</span>}
                </p>
                <p className="step-text">{step.text}</p>
              </div>
              <ButtonLink to={step.to} size="sm" variant={step.done ? 'ghost' : 'secondary'}>
                {step.action}
              </ButtonLink>
            </li>
          ))}
          <li className="step">
            <span className="step-mark" aria-hidden="true">
              3
            </span>
            <div className="step-body">
              <p className="step-title">Make your first request</p>
              <pre className="snippet">
                <code>{`curl ${origin}/api/v1/businesses \\\n  -H "Authorization: Token iqra_sk_…"`}</code>
              </pre>
            </div>
            <a
              className="btn btn-secondary btn-sm"
              href="/docs"
              target="_blank"
              rel="noopener noreferrer"
            >
              <Icon name="book" size={16} />
              <span>Reference</span>
            </a>
          </li>
        </ol>
      </section>
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
