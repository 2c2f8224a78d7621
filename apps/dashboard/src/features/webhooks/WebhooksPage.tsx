import type { WebhookEndpoint, WebhookEndpointCreate } from '@iqra/sdk';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { messageOf } from '../../api/client';
import { WEBHOOK_EVENTS } from '../../api/constants';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatRelative } from '../../lib/format';
import { useBusinessData } from '../../state/business';
import { Button, ButtonLink } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { LoadError } from '../../ui/LoadError';
import { Switch } from '../../ui/Switch';
import { type Column, Table } from '../../ui/Table';
import { useToast } from '../../ui/Toast';
import { ShownOnceDialog } from '../keys/ShownOnceDialog';
import { CreateWebhookDialog } from './CreateWebhookDialog';

/** A new or rotated signing secret: held only while its dialog is open. */
interface Reveal {
  secret: string;
  url: string;
  rotated: boolean;
}

export function WebhooksPage() {
  usePageTitle('Webhooks');
  const { business, webhooks, removeWebhook } = useBusinessData();
  const notify = useToast();
  const [creating, setCreating] = useState(false);
  const [reveal, setReveal] = useState<Reveal | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);
  const [editing, setEditing] = useState<WebhookEndpoint | null>(null);
  const [rotating, setRotating] = useState<WebhookEndpoint | null>(null);
  /** Endpoints with a toggle or test on its way: their buttons wait. */
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => webhooks.ensure(), [webhooks.ensure]);

  async function create(body: WebhookEndpointCreate) {
    const { secret, ...endpoint } = await voiceApi.createWebhook(business.id, body);
    webhooks.upsert(endpoint);
    setCreating(false);
    setReveal({ secret, url: endpoint.url, rotated: false });
  }

  async function save(endpoint: WebhookEndpoint, body: WebhookEndpointCreate) {
    webhooks.upsert(await voiceApi.updateWebhook(business.id, endpoint.id, body));
    setEditing(null);
    notify('Endpoint saved.');
  }

  async function rotate(endpoint: WebhookEndpoint) {
    const { secret, ...rotated } = await voiceApi.rotateWebhookSecret(business.id, endpoint.id);
    webhooks.upsert(rotated);
    setRotating(null);
    setReveal({ secret, url: rotated.url, rotated: true });
  }

  /** A toggle or a test event: one at a time per endpoint, the outcome in a toast. */
  async function act(endpoint: WebhookEndpoint, action: () => Promise<string>) {
    setBusy((b) => new Set(b).add(endpoint.id));
    try {
      notify(await action());
    } catch (error) {
      notify(messageOf(error), 'danger');
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(endpoint.id);
        return next;
      });
    }
  }

  const setEnabled = (endpoint: WebhookEndpoint, enabled: boolean) =>
    act(endpoint, async () => {
      webhooks.upsert(await voiceApi.updateWebhook(business.id, endpoint.id, { enabled }));
      return enabled
        ? `${endpoint.url} receives events again.`
        : `${endpoint.url} is disabled: it receives nothing until enabled.`;
    });

  const sendTest = (endpoint: WebhookEndpoint) =>
    act(endpoint, async () => {
      await voiceApi.testWebhook(business.id, endpoint.id);
      return 'Test event sent: see it in the deliveries.';
    });

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
    {
      key: 'enabled',
      header: 'Enabled',
      cell: (endpoint) => (
        <Switch
          checked={endpoint.enabled}
          disabled={busy.has(endpoint.id)}
          onChange={(on) => void setEnabled(endpoint, on)}
          label={<span className="visually-hidden">Enabled: {endpoint.url}</span>}
        />
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
            disabled={!endpoint.enabled || busy.has(endpoint.id)}
            onClick={() => void sendTest(endpoint)}
            aria-label={`Send a test event to ${endpoint.url}`}
          >
            Send test
          </Button>
          <Button
            size="sm"
            variant="ghost"
            icon="key"
            aria-label={`Rotate the secret of ${endpoint.url}`}
            onClick={() => setRotating(endpoint)}
          />
          <Button
            size="sm"
            variant="ghost"
            icon="edit"
            aria-label={`Edit ${endpoint.url}`}
            onClick={() => setEditing(endpoint)}
          />
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
        actions={
          <>
            <ButtonLink to="/webhooks/events">Event log</ButtonLink>
            {addButton}
          </>
        }
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
      {editing && (
        <CreateWebhookDialog
          endpoint={editing}
          onCreate={(body) => save(editing, body)}
          onCancel={() => setEditing(null)}
        />
      )}
      {rotating && (
        <ConfirmDialog
          title="Rotate the signing secret?"
          confirmLabel="Rotate secret"
          onConfirm={() => rotate(rotating)}
          onCancel={() => setRotating(null)}
        >
          <p className="break">
            {rotating.url} gets a new secret, shown once. For 24 hours every delivery is signed with
            both the old and the new one, so your backend can switch without missing an event.
          </p>
        </ConfirmDialog>
      )}
      {reveal && (
        <ShownOnceDialog
          secret={reveal.secret}
          keyName={reveal.url}
          onDone={closeReveal}
          title={reveal.rotated ? 'Save the new signing secret' : 'Save the signing secret'}
          secretLabel="Signing secret"
          noun="secret"
          warning={
            reveal.rotated
              ? 'The old secret keeps signing for 24 hours alongside this one. Iqra does not show it again.'
              : "Check each delivery's webhook-signature header with it. Iqra does not show it again."
          }
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
