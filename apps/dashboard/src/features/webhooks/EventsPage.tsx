import type { LoggedEvent } from '@iqra/sdk';
import { useCallback, useId } from 'react';
import { useSearchParams } from 'react-router';
import { WEBHOOK_EVENTS } from '../../api/constants';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatPrecise } from '../../lib/format';
import { useBusinessData } from '../../state/business';
import { useCursorList } from '../../state/cursorList';
import { ButtonLink } from '../../ui/Button';
import { CursorListTable } from '../../ui/CursorListTable';
import { EmptyState } from '../../ui/EmptyState';
import type { Column } from '../../ui/Table';

const TYPES = [...WEBHOOK_EVENTS, 'webhook.test'];
const keyOf = (e: LoggedEvent) => e.id;

/** The business's event log (30 days): fetch an event a receiver missed, with its data. */
export function EventsPage() {
  usePageTitle('Events');
  const { business } = useBusinessData();
  const [params, setParams] = useSearchParams();
  const type = params.get('type') ?? '';
  const typeId = useId();
  const fetchPage = useCallback(
    (cursor?: string | null) => voiceApi.events(business.id, type || undefined, cursor),
    [business.id, type],
  );
  const list = useCursorList(fetchPage, keyOf);

  const columns: Column<LoggedEvent>[] = [
    {
      key: 'event',
      header: 'Event',
      cell: (e) => (
        <span className="cell-stack">
          <code className="code">{e.type}</code>
          <span className="muted mono small">{e.id}</span>
        </span>
      ),
    },
    {
      key: 'data',
      header: 'Data',
      cell: (e) => (
        <details>
          <summary className="link">Payload</summary>
          <pre className="snippet">{JSON.stringify(e.data, null, 2)}</pre>
        </details>
      ),
    },
    {
      key: 'at',
      header: 'Created',
      cell: (e) => <time dateTime={e.createdAt}>{formatPrecise(e.createdAt)}</time>,
    },
  ];

  return (
    <>
      <ButtonLink to="/webhooks" variant="ghost" size="sm" icon="arrowLeft">
        Webhooks
      </ButtonLink>
      <PageHeader
        title="Events"
        description="Every event of this business in the last 30 days, whether or not an endpoint got it."
      />
      <div className="card card-flush">
        <div className="toolbar">
          <div className="toolbar-filter">
            <label htmlFor={typeId} className="visually-hidden">
              Type
            </label>
            <select
              id={typeId}
              className="input select"
              value={type}
              onChange={(e) => setParams(e.target.value ? { type: e.target.value } : {})}
            >
              <option value="">All types</option>
              {TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
        </div>
        <CursorListTable
          list={list}
          caption="Events"
          columns={columns}
          rowKey={keyOf}
          errorTitle="Events did not load"
          moreLabel="Load more events"
          empty={
            <EmptyState icon="webhook" title={type ? 'No events of this type' : 'No events yet'}>
              Events are written as calls happen; place a test call to see some.
            </EmptyState>
          }
        />
      </div>
    </>
  );
}
