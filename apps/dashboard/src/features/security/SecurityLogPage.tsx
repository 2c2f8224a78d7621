import type { AuditEvent } from '@iqra/sdk';
import { useEffect, useId, useState } from 'react';
import { ApiProblem } from '../../api/client';
import { type AuditFilters, api } from '../../api/endpoints';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatDateTime } from '../../lib/format';
import { useData } from '../../state/data';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { EmptyState } from '../../ui/EmptyState';
import { type Column, Table } from '../../ui/Table';
import { actorLabel } from '../keys/KeyDetailDialog';

export const AUDIT_ACTIONS = [
  'user.signed_up',
  'user.logged_in',
  'user.login_failed',
  'user.updated',
  'api_key.created',
  'api_key.updated',
  'api_key.rolled',
  'api_key.revoked',
  'api_key.leaked',
  'key_policy.updated',
  'business.created',
  'business.updated',
  'business.deleted',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'telephony.updated',
  'whitelabel.updated',
] as const;

type State =
  | { state: 'loading' }
  | { state: 'ready'; events: AuditEvent[]; nextCursor: string | null }
  | { state: 'missing' }
  | { state: 'error'; message: string };

/** The account's audit log (API.md §5), filtered by action and by key. */
export function SecurityLogPage() {
  usePageTitle('Security log');
  const { keys } = useData();
  const [action, setAction] = useState('');
  const [keyId, setKeyId] = useState('');
  const [state, setState] = useState<State>({ state: 'loading' });
  const [moreLoading, setMoreLoading] = useState(false);
  const actionId = useId();
  const keyFilterId = useId();

  useEffect(() => {
    keys.ensure();
  }, [keys.ensure]);

  const filters: AuditFilters = {
    ...(action ? { action } : {}),
    ...(keyId ? { targetId: keyId } : {}),
  };
  const filterKey = `${action}|${keyId}`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for the filters.
  useEffect(() => {
    let live = true;
    setState({ state: 'loading' });
    api.auditEvents(filters).then(
      (page) =>
        live && setState({ state: 'ready', events: page.data, nextCursor: page.nextCursor }),
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiProblem && error.status === 404) setState({ state: 'missing' });
        else
          setState({ state: 'error', message: error instanceof Error ? error.message : 'Failed.' });
      },
    );
    return () => {
      live = false;
    };
  }, [filterKey]);

  async function loadMore() {
    if (state.state !== 'ready' || !state.nextCursor) return;
    setMoreLoading(true);
    try {
      const page = await api.auditEvents(filters, state.nextCursor);
      setState({
        state: 'ready',
        events: [...state.events, ...page.data],
        nextCursor: page.nextCursor,
      });
    } finally {
      setMoreLoading(false);
    }
  }

  const byId = new Map(keys.items.map((k) => [k.id, k]));
  const columns: Column<AuditEvent>[] = [
    {
      key: 'at',
      header: 'When',
      cell: (e) => (
        <time dateTime={e.at} className="nowrap">
          {formatDateTime(e.at)}
        </time>
      ),
    },
    { key: 'action', header: 'Action', cell: (e) => <code className="code">{e.action}</code> },
    { key: 'actor', header: 'By', cell: (e) => actorLabel(e.actor, byId) },
    {
      key: 'target',
      header: 'Target',
      cell: (e) =>
        e.target
          ? e.target.type === 'api_key'
            ? (byId.get(e.target.id)?.name ?? e.target.id)
            : e.target.id
          : '—',
    },
    { key: 'ip', header: 'Address', cell: (e) => e.ip ?? '—' },
  ];

  return (
    <>
      <PageHeader
        title="Security log"
        description="Sign-ins, key changes and settings changes on your account, newest first."
      />
      <div className="card card-flush">
        <div className="toolbar">
          <div className="toolbar-filter">
            <label htmlFor={actionId} className="visually-hidden">
              Action
            </label>
            <select
              id={actionId}
              className="input select"
              value={action}
              onChange={(event) => setAction(event.target.value)}
            >
              <option value="">All actions</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <div className="toolbar-filter">
            <label htmlFor={keyFilterId} className="visually-hidden">
              Key
            </label>
            <select
              id={keyFilterId}
              className="input select"
              value={keyId}
              onChange={(event) => setKeyId(event.target.value)}
            >
              <option value="">All keys</option>
              {keys.items.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name} (…{k.lastFour})
                </option>
              ))}
            </select>
          </div>
        </div>
        {state.state === 'missing' ? (
          <EmptyState icon="shield" title="The security log is not available yet">
            This server does not serve the audit log yet. It appears here once it does.
          </EmptyState>
        ) : state.state === 'error' ? (
          <div className="card-footer">
            <Callout tone="danger" title="The security log did not load" role="alert">
              {state.message}
            </Callout>
          </div>
        ) : state.state === 'ready' && state.events.length === 0 ? (
          <EmptyState icon="shield" title="No events">
            Nothing matches these filters.
          </EmptyState>
        ) : (
          <Table
            caption="Security log"
            columns={columns}
            rows={state.state === 'ready' ? state.events : []}
            rowKey={(e) => e.id}
            loading={state.state === 'loading'}
          />
        )}
        {state.state === 'ready' && state.nextCursor && (
          <div className="card-footer">
            <Button onClick={loadMore} loading={moreLoading}>
              Load more events
            </Button>
          </div>
        )}
      </div>
    </>
  );
}
