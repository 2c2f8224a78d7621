import type { WebhookEndpoint, WebhookEndpointCreate } from '@iqra/sdk';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { WEBHOOK_EVENTS } from '../../api/constants';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatRelative } from '../../lib/format';
import { useBusinessData } from '../../state/business';
import { Button } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { LoadError } from '../../ui/LoadError';
import { type Column, Table } from '../../ui/Table';
import { useToast } from '../../ui/Toast';
import { ShownOnceDialog } from '../keys/ShownOnceDialog';
import { CreateWebhookDialog } from './CreateWebhookDialog';

/** The new endpoint's signing secret: held only while its dialog is open. */
interface Reveal {
  secret: string;
  url: string;
}

export function WebhooksPage() {
  usePageTitle('Webhooks');
  const { business, webhooks, removeWebhook } = useBusinessData();
  const notify = useToast();
  const [creating, setCreating] = useState(false);
  const [reveal, setReveal] = useState<Reveal | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);

  useEffect(() => webhooks.ensure(), [webhooks.ensure]);

  async function create(body: WebhookEndpointCreate) {
    const { secret, ...endpoint } = await voiceApi.createWebhook(business.id, body);
    webhooks.upsert(endpoint);
    setCreating(false);
    setReveal({ secret, url: endpoint.url });
  }

  function closeReveal() {
    // As on the keys page: blank the one object both of React's buffers hold.
    if (reveal) reveal.secret = '';
    setReveal(null);
  }

  async function remove(endpoint: WebhookEndpoint) {
    await voiceApi.deleteWebhook(business.id, endpoint.id);
    removeWebhook(endpoint.id);
    setDeleting(null);
    notify('Endpoint deleted. Its pending deliveries were dropped.');
  }

  // Edit, rotate secret and send test join these actions once the API has
  // PATCH …/webhooks/:id, POST …/rotate-secret and POST …/test.
  const columns: Column<WebhookEndpoint>[] = [
    {
      key: 'url',
      header: 'Endpoint',
      cell: (endpoint) => (
        <span className="cell-stack">
          <Link className="link mono break" to={`/webhooks/${endpoint.id}`}>
            {endpoint.url}
          </Link>
          {endpoint.description && <span className="muted">{endpoint.description}</span>}
        </span>
      ),
    },
    {
      key: 'events',
      header: 'Events',
      cell: (endpoint) =>
        endpoint.events.length === WEBHOOK_EVENTS.length ? (
          'All events'
        ) : (
          <span className="chips">
            {endpoint.events.map((event) => (
              <code key={event} className="chip chip-static">
                {event}
              </code>
            ))}
          </span>
        ),
    },
    { key: 'created', header: 'Added', cell: (e) => formatRelative(e.createdAt) },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      label: '',
      className: 'col-actions',
      cell: (endpoint) => (
        <span className="row-actions">
          <Link className="btn btn-secondary btn-sm" to={`/webhooks/${endpoint.id}`}>
            <span>Deliveries</span>
          </Link>
          <Button
            size="sm"
            variant="ghost"
            icon="trash"
            aria-label={`Delete ${endpoint.url}`}
            onClick={() => setDeleting(endpoint)}
          />
        </span>
      ),
    },
  ];

  const addButton = (
    <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
      Add endpoint
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Your backend hears about calls as they happen: signed POSTs, retried with backoff."
        actions={addButton}
      />
      {webhooks.status === 'error' ? (
        <LoadError title="Webhooks did not load" error={webhooks.error} onRetry={webhooks.reload} />
      ) : webhooks.status === 'ready' && webhooks.items.length === 0 ? (
        <div className="card">
          <EmptyState icon="webhook" title="No endpoints yet" action={addButton}>
            Add a URL of your backend to receive call.* and conversation.ended events. Each delivery
            is signed with the endpoint’s secret.
          </EmptyState>
        </div>
      ) : (
        <div className="card card-flush">
          <Table
            caption="Webhook endpoints"
            columns={columns}
            rows={webhooks.items}
            rowKey={(e) => e.id}
            loading={webhooks.status !== 'ready'}
          />
        </div>
      )}
      {creating && <CreateWebhookDialog onCreate={create} onCancel={() => setCreating(false)} />}
      {reveal && (
        <ShownOnceDialog
          secret={reveal.secret}
          keyName={reveal.url}
          onDone={closeReveal}
          title="Save the signing secret"
          secretLabel="Signing secret"
          noun="secret"
          warning="Check each delivery's webhook-signature header with it. Iqra does not show it again."
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this endpoint?"
          confirmLabel="Delete endpoint"
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p className="break">
            {deleting.url} stops receiving events; deliveries still pending are dropped.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
