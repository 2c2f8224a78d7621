import type { Business } from '@iqra/sdk';
import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatDate, formatDateTime } from '../../lib/format';
import { useData } from '../../state/data';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { EmptyState } from '../../ui/EmptyState';
import { type Column, Table } from '../../ui/Table';
import { useToast } from '../../ui/Toast';
import { useSubmit } from '../../ui/useSubmit';
import { BusinessFormDialog, type BusinessInput, DisableBusinessDialog } from './BusinessDialogs';

type Editing = { mode: 'create' } | { mode: 'rename'; business: Business } | null;

export function BusinessesPage() {
  usePageTitle('Businesses');
  const { businesses, currentBusiness, selectBusiness } = useData();
  const notify = useToast();
  const [editing, setEditing] = useState<Editing>(null);
  const [disabling, setDisabling] = useState<Business | null>(null);

  useEffect(() => businesses.ensure(), [businesses.ensure]);

  async function create(input: BusinessInput) {
    const business = await api.createBusiness(input);
    businesses.upsert(business);
    if (!currentBusiness) selectBusiness(business.id);
    setEditing(null);
    notify(`Business “${business.name}” created.`);
  }

  async function rename(business: Business, input: BusinessInput) {
    businesses.upsert(await api.updateBusiness(business.id, { name: input.name }));
    setEditing(null);
    notify('Business renamed.');
  }

  async function setDisabled(business: Business, disabled: boolean) {
    businesses.upsert(await api.updateBusiness(business.id, { disabled }));
    notify(disabled ? `“${business.name}” disabled.` : `“${business.name}” enabled.`);
  }

  const enable = useSubmit({
    action: (business: Business) => setDisabled(business, false),
    failureToast: (message, business) => `Could not enable “${business.name}”: ${message}`,
  });

  const columns: Column<Business>[] = [
    {
      key: 'name',
      header: 'Name',
      className: 'col-name',
      cell: (business) => (
        <div className="cell-stack">
          <div className="key-name">
            <span className="key-name-text">{business.name}</span>
            {business.id === currentBusiness?.id && <Badge tone="brand">Current</Badge>}
          </div>
          <code className="hint">{business.id}</code>
        </div>
      ),
    },
    { key: 'timezone', header: 'Time zone', cell: (b) => b.timezone },
    { key: 'language', header: 'Language', cell: (b) => b.defaultLanguage },
    {
      key: 'created',
      header: 'Created',
      cell: (b) => (
        <time dateTime={b.createdAt} title={formatDateTime(b.createdAt)} className="nowrap">
          {formatDate(b.createdAt)}
        </time>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (b) =>
        b.disabled ? <Badge tone="warning">Disabled</Badge> : <Badge tone="success">Active</Badge>,
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      label: '',
      className: 'col-actions',
      cell: (b) => (
        <div className="row-actions">
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setEditing({ mode: 'rename', business: b })}
            aria-label={`Rename ${b.name}`}
          >
            Rename
          </Button>
          {b.disabled ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => enable.run(b)}
              loading={enable.pending?.[0].id === b.id}
              disabled={enable.busy}
              aria-label={`Enable ${b.name}`}
            >
              Enable
            </Button>
          ) : (
            <Button
              size="sm"
              variant="ghost"
              className="btn-danger-text"
              onClick={() => setDisabling(b)}
              aria-label={`Disable ${b.name}`}
            >
              Disable
            </Button>
          )}
        </div>
      ),
    },
  ];

  const loading = businesses.status === 'idle' || businesses.status === 'loading';

  return (
    <>
      <PageHeader
        title="Businesses"
        description="Each business is a workspace with its own agents, calls and conversations. API keys can be restricted to some of them."
        actions={
          <Button variant="primary" icon="plus" onClick={() => setEditing({ mode: 'create' })}>
            New business
          </Button>
        }
      />
      {businesses.status === 'error' ? (
        <div className="card">
          <Callout tone="danger" title="Your businesses did not load" role="alert">
            {businesses.error?.detail}{' '}
            <Button size="sm" onClick={businesses.reload}>
              Try again
            </Button>
          </Callout>
        </div>
      ) : businesses.status === 'ready' && businesses.items.length === 0 ? (
        <div className="card">
          <EmptyState
            icon="building"
            title="No businesses yet"
            action={
              <Button variant="primary" icon="plus" onClick={() => setEditing({ mode: 'create' })}>
                New business
              </Button>
            }
          >
            Create your first business — a dental clinic, a restaurant, a support line — then give
            it agents and restrict API keys to it.
          </EmptyState>
        </div>
      ) : (
        <div className="card card-flush">
          <Table
            caption="Businesses"
            columns={columns}
            rows={businesses.items}
            rowKey={(b) => b.id}
            rowClassName={(b) => (b.disabled ? 'row-muted' : undefined)}
            loading={loading}
            skeletonRows={2}
          />
        </div>
      )}

      {editing?.mode === 'create' && (
        <BusinessFormDialog onSave={create} onCancel={() => setEditing(null)} />
      )}
      {editing?.mode === 'rename' && (
        <BusinessFormDialog
          business={editing.business}
          onSave={(input) => rename(editing.business, input)}
          onCancel={() => setEditing(null)}
        />
      )}
      {disabling && (
        <DisableBusinessDialog
          business={disabling}
          onConfirm={async () => {
            await setDisabled(disabling, true);
            setDisabling(null);
          }}
          onCancel={() => setDisabling(null)}
        />
      )}
    </>
  );
}
