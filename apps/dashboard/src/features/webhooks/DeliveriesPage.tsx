import type { WebhookDelivery as ServedDelivery } from '@iqra/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { messageOf } from '../../api/client';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatPrecise, formatRelative } from '../../lib/format';
import { usePoll } from '../../lib/poll';
import { useBusinessData } from '../../state/business';
import { useCursorList } from '../../state/cursorList';
import { Badge, type Tone } from '../../ui/Badge';
import { Button, ButtonLink } from '../../ui/Button';
import { CursorListTable } from '../../ui/CursorListTable';
import { EmptyState } from '../../ui/EmptyState';
import type { Column } from '../../ui/Table';
import { useToast } from '../../ui/Toast';

/** `payload` is not served yet: the page shows it once the API returns it. */
type WebhookDelivery = ServedDelivery & { payload?: unknown };

const TONE: Record<WebhookDelivery['status'], Tone> = {
  pending: 'warning',
  delivered: 'success',
  failed: 'danger',
};

const keyOf = (d: WebhookDelivery) => d.id;

/** One endpoint's delivery log, like Stripe's: what was sent, how it went, what comes next. */
export function DeliveriesPage() {
  usePageTitle('Webhook deliveries');
  const { webhookId = '' } = useParams();
  const { business, webhooks } = useBusinessData();
  const endpoint = webhooks.items.find((w) => w.id === webhookId);
  const fetchPage = useCallback(
    (cursor?: string | null) => voiceApi.deliveries(business.id, webhookId, cursor),
    [business.id, webhookId],
  );
  const list = useCursorList(fetchPage, keyOf);
  const notify = useToast();
  /** Deliveries (or `test`) with a request on its way. */
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());

  async function act(key: string, action: () => Promise<unknown>, done: string) {
    setBusy((b) => new Set(b).add(key));
    try {
      await action();
      notify(done);
      await list.refresh().catch(() => {});
    } catch (error) {
      notify(messageOf(error), 'danger');
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(key);
        return next;
      });
    }
  }

  const retry = (d: WebhookDelivery) =>
    act(
      d.id,
      () => voiceApi.retryDelivery(business.id, webhookId, d.id),
      `${d.eventType} queued for another attempt.`,
    );
  const sendTest = () =>
    act(
      'test',
      () => voiceApi.testWebhook(business.id, webhookId),
      'Test event sent: it appears below within seconds.',
    );

  useEffect(() => webhooks.ensure(), [webhooks.ensure]);
  // While something is on its way (or nothing came yet), look again now and then.
  usePoll(list.refresh, {
    enabled:
      list.status === 'ready' &&
      (list.items.length === 0 || list.items.some((d) => d.status === 'pending')),
    intervalMs: 4000,
  });

  const columns: Column<WebhookDelivery>[] = [
    {
      key: 'event',
      header: 'Event',
      cell: (d) => (
        <span className="cell-stack">
          <code className="code">{d.eventType}</code>
          <span className="muted mono small">{d.eventId}</span>
        </span>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (d) => <Badge tone={TONE[d.status]}>{d.status}</Badge>,
    },
    { key: 'attempts', header: 'Attempts', cell: (d) => d.attempts },
    { key: 'code', header: 'Response', cell: (d) => d.lastStatusCode ?? '—' },
    {
      key: 'next',
      header: 'Next retry',
      cell: (d) =>
        d.nextAttemptAt && d.status === 'pending' ? formatRelative(d.nextAttemptAt) : '—',
    },
    {
      key: 'error',
      header: 'Last error',
      cell: (d) => (d.lastError ? <span className="break">{d.lastError}</span> : '—'),
    },
    {
      key: 'at',
      header: 'Created',
      cell: (d) => (
        <span className="cell-stack">
          <time dateTime={d.createdAt}>{formatPrecise(d.createdAt)}</time>
          {d.payload !== undefined && (
            <details>
              <summary className="link">Payload</summary>
              <pre className="snippet">{JSON.stringify(d.payload, null, 2)}</pre>
            </details>
          )}
        </span>
      ),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      label: '',
      className: 'col-actions',
      cell: (d) =>
        d.status === 'pending' ? null : (
          <Button
            size="sm"
            icon="refresh"
            loading={busy.has(d.id)}
            disabled={endpoint?.enabled === false}
            onClick={() => void retry(d)}
            aria-label={`Retry ${d.eventType} ${d.id}`}
          >
            Retry
          </Button>
        ),
    },
  ];

  return (
    <>
      <ButtonLink to="/webhooks" variant="ghost" size="sm" icon="arrowLeft">
        Webhooks
      </ButtonLink>
      <PageHeader
        title="Deliveries"
        description={
          endpoint ? (
            <span className="mono break">{endpoint.url}</span>
          ) : (
            'Every event sent to this endpoint.'
          )
        }
        actions={
          <>
            <Button
              icon="webhook"
              loading={busy.has('test')}
              disabled={endpoint?.enabled === false}
              onClick={() => void sendTest()}
            >
              Send test event
            </Button>
            <Button icon="refresh" onClick={() => void list.refresh().catch(() => list.reload())}>
              Refresh
            </Button>
          </>
        }
      />
      <div className="card card-flush">
        <CursorListTable
          list={list}
          caption="Deliveries"
          columns={columns}
          rowKey={keyOf}
          errorTitle="Deliveries did not load"
          moreLabel="Load more deliveries"
          empty={
            <EmptyState
              icon="webhook"
              title="Nothing delivered yet"
              action={
                <ButtonLink to="/calls?test=1" variant="primary" icon="phone">
                  Test call
                </ButtonLink>
              }
            >
              Events appear here as calls happen. Place a test call: its call.* events come here
              within seconds.
            </EmptyState>
          }
        />
      </div>
    </>
  );
}
