import type { CallStatus, ConversationListParams, ConversationSummary } from '@iqra/sdk';
import { useCallback, useEffect, useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CALL_STATUSES } from '../../api/constants';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { dayStart } from '../../lib/day';
import { formatDateTime } from '../../lib/format';
import { agentName, useBusinessData } from '../../state/business';
import { useCursorList } from '../../state/cursorList';
import { Button, ButtonLink } from '../../ui/Button';
import { CursorListTable } from '../../ui/CursorListTable';
import { EmptyState } from '../../ui/EmptyState';
import type { Column } from '../../ui/Table';
import { CallStatusBadge, formatDuration, reasonText, statusLabel } from '../calls/callStatus';

const keyOf = (c: ConversationSummary) => c.id;

export function ConversationsPage() {
  usePageTitle('Conversations');
  const { business, agents } = useBusinessData();
  const [params, setParams] = useSearchParams();
  const ids = { status: useId(), direction: useId(), agent: useId(), from: useId(), to: useId() };
  const status = (params.get('status') ?? undefined) as CallStatus | undefined;
  const direction = params.get('direction') === 'outbound' ? 'outbound' : undefined;
  const agentId = params.get('agent') ?? undefined;
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';

  const fetchPage = useCallback(
    (cursor?: string | null) => {
      const filters: ConversationListParams = {
        status,
        direction,
        agentId,
        startedAfter: dayStart(from),
        startedBefore: dayStart(to, 1),
      };
      return voiceApi.conversations(business.id, filters, cursor);
    },
    [business.id, status, direction, agentId, from, to],
  );
  const list = useCursorList(fetchPage, keyOf);

  useEffect(() => agents.ensure(), [agents.ensure]);

  function setParam(name: string, value: string) {
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    });
  }

  const columns: Column<ConversationSummary>[] = [
    {
      key: 'started',
      header: 'Started',
      cell: (c) => (
        <Link className="link" to={`/conversations/${c.id}`}>
          {formatDateTime(c.startedAt)}
        </Link>
      ),
    },
    { key: 'status', header: 'Status', cell: (c) => <CallStatusBadge status={c.status} /> },
    { key: 'agent', header: 'Agent', cell: (c) => agentName(agents.items, c.agentId) },
    {
      key: 'duration',
      header: 'Duration',
      cell: (c) => (c.answeredAt ? formatDuration(c.durationSeconds) : '—'),
    },
    {
      key: 'reason',
      header: 'End reason',
      cell: (c) => (c.endedAt ? reasonText(c.endedReason) : '—'),
    },
  ];

  const filtered = Boolean(status || direction || agentId || from || to);
  return (
    <>
      <PageHeader
        title="Conversations"
        description="What was said on each call, with the transcript."
      />
      <div className="card card-flush">
        <div className="toolbar">
          <FilterSelect
            id={ids.status}
            label="Status"
            value={status ?? ''}
            onChange={(v) => setParam('status', v)}
          >
            <option value="">All statuses</option>
            {CALL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect
            id={ids.direction}
            label="Direction"
            value={direction ?? ''}
            onChange={(v) => setParam('direction', v)}
          >
            <option value="">All directions</option>
            <option value="outbound">Outbound</option>
          </FilterSelect>
          <FilterSelect
            id={ids.agent}
            label="Agent"
            value={agentId ?? ''}
            onChange={(v) => setParam('agent', v)}
          >
            <option value="">All agents</option>
            {agents.items.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </FilterSelect>
          <div className="date-range">
            <label htmlFor={ids.from}>From</label>
            <input
              id={ids.from}
              type="date"
              className="input"
              value={from}
              max={to || undefined}
              onChange={(e) => setParam('from', e.target.value)}
            />
            <label htmlFor={ids.to}>to</label>
            <input
              id={ids.to}
              type="date"
              className="input"
              value={to}
              min={from || undefined}
              onChange={(e) => setParam('to', e.target.value)}
            />
          </div>
        </div>
        <CursorListTable
          list={list}
          caption="Conversations"
          columns={columns}
          rowKey={keyOf}
          errorTitle="Conversations did not load"
          moreLabel="Load more conversations"
          empty={
            <EmptyState
              icon="chat"
              title={filtered ? 'No conversations match' : 'No conversations yet'}
              action={
                filtered ? (
                  <Button onClick={() => setParams({})}>Clear filters</Button>
                ) : (
                  <ButtonLink to="/calls?test=1" variant="primary" icon="phone">
                    Test call
                  </ButtonLink>
                )
              }
            >
              {filtered
                ? 'Nothing matches these filters.'
                : 'Every call makes a conversation. Place a test call to see its transcript here.'}
            </EmptyState>
          }
        />
      </div>
    </>
  );
}

function FilterSelect({
  id,
  label,
  value,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: React.ReactNode;
}) {
  return (
    <div className="toolbar-filter">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <select
        id={id}
        className="input select"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        {children}
      </select>
    </div>
  );
}
