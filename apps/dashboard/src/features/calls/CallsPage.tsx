import type { CallCreate, CallStatus } from '@iqra/sdk';
import { useEffect, useId } from 'react';
import { useSearchParams } from 'react-router';
import { CALL_STATUSES } from '../../api/constants';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { dayStart } from '../../lib/day';
import { useBusinessData } from '../../state/business';
import { Button, ButtonLink } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { EmptyState } from '../../ui/EmptyState';
import { LoadError } from '../../ui/LoadError';
import { useToast } from '../../ui/Toast';
import { CallsTable } from './CallsTable';
import { statusLabel } from './callStatus';
import { TestCallDialog } from './TestCallDialog';
import { useCallsList } from './useCallsList';

export function CallsPage() {
  usePageTitle('Calls');
  const { business, agents } = useBusinessData();
  const notify = useToast();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? undefined) as CallStatus | undefined;
  const agentId = params.get('agent') ?? undefined;
  const testing = params.get('test') === '1';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const createdAfter = dayStart(from);
  const createdBefore = dayStart(to, 1);
  const calls = useCallsList(business.id, { status, agentId, createdAfter, createdBefore });
  const statusId = useId();
  const agentFilterId = useId();
  const fromId = useId();
  const toId = useId();

  useEffect(() => agents.ensure(), [agents.ensure]);

  function setParam(name: string, value: string | null) {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: name === 'test' && value === null },
    );
  }

  async function place(body: CallCreate, key: string) {
    const call = await voiceApi.createCall(business.id, body, key);
    const inRange = !createdBefore || call.createdAt < createdBefore;
    if ((!status || status === call.status) && (!agentId || agentId === call.agentId) && inRange) {
      calls.add(call);
    }
    setParam('test', null);
    notify(`Calling ${call.to}…`, 'info');
    return call;
  }

  const filtered = Boolean(status || agentId || from || to);
  const noAgents = agents.status === 'ready' && agents.items.length === 0;
  const testButton = (
    <Button
      variant="primary"
      icon="phone"
      onClick={() => setParam('test', '1')}
      disabled={agents.status !== 'ready' || noAgents}
    >
      Test call
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Calls"
        description="Every call placed for this business; live ones update by themselves."
        actions={testButton}
      />
      {noAgents && (
        <Callout tone="info" title="Create an agent to place calls">
          A call needs an agent to speak.{' '}
          <ButtonLink to="/agents" size="sm">
            Agents
          </ButtonLink>
        </Callout>
      )}
      <div className="card card-flush">
        <div className="toolbar">
          <div className="toolbar-filter">
            <label htmlFor={statusId} className="visually-hidden">
              Status
            </label>
            <select
              id={statusId}
              className="input select"
              value={status ?? ''}
              onChange={(event) => setParam('status', event.target.value)}
            >
              <option value="">All statuses</option>
              {CALL_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="toolbar-filter">
            <label htmlFor={agentFilterId} className="visually-hidden">
              Agent
            </label>
            <select
              id={agentFilterId}
              className="input select"
              value={agentId ?? ''}
              onChange={(event) => setParam('agent', event.target.value)}
            >
              <option value="">All agents</option>
              {agents.items.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          <div className="date-range">
            <label htmlFor={fromId}>From</label>
            <input
              id={fromId}
              type="date"
              className="input"
              value={from}
              max={to || undefined}
              onChange={(e) => setParam('from', e.target.value)}
            />
            <label htmlFor={toId}>to</label>
            <input
              id={toId}
              type="date"
              className="input"
              value={to}
              min={from || undefined}
              onChange={(e) => setParam('to', e.target.value)}
            />
          </div>
        </div>
        {calls.status === 'error' ? (
          <div className="card-body">
            <LoadError title="Calls did not load" error={calls.error} onRetry={calls.reload} />
          </div>
        ) : calls.status === 'ready' && calls.items.length === 0 ? (
          <EmptyState
            icon="phone"
            title={filtered ? 'No calls match' : 'No calls yet'}
            action={
              filtered ? (
                <Button onClick={() => setParams({})}>Clear filters</Button>
              ) : (
                !noAgents && testButton
              )
            }
          >
            {filtered
              ? 'Nothing matches these filters.'
              : 'Place a test call to a simulator number, or trigger calls with POST /calls from your backend.'}
          </EmptyState>
        ) : (
          <CallsTable
            calls={calls.items}
            agents={agents.items}
            loading={calls.status === 'loading'}
          />
        )}
        {calls.error && calls.items.length > 0 && (
          <div className="card-footer">
            <LoadError title="Some calls did not load" error={calls.error} />
          </div>
        )}
        {calls.nextCursor && (
          <div className="card-footer">
            <Button onClick={calls.loadMore} loading={calls.loadingMore}>
              Load more calls
            </Button>
          </div>
        )}
      </div>
      {testing && agents.status === 'ready' && !noAgents && (
        <TestCallDialog
          agents={agents.items}
          initialAgentId={agentId}
          onCreate={place}
          onCancel={() => setParam('test', null)}
        />
      )}
    </>
  );
}
