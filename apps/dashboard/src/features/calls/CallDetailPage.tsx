import type { Call } from '@iqra/sdk';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatPrecise } from '../../lib/format';
import { usePoll } from '../../lib/poll';
import { useResource } from '../../lib/useResource';
import { agentName, useBusinessData } from '../../state/business';
import { Button, ButtonLink } from '../../ui/Button';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { LoadError } from '../../ui/LoadError';
import { Spinner } from '../../ui/Spinner';
import { useToast } from '../../ui/Toast';
import { CallTimeline } from './CallTimeline';
import { CallStatusBadge, formatDuration, isCancelable, isLive, reasonText } from './callStatus';

export function CallDetailPage() {
  usePageTitle('Call');
  const { callId = '' } = useParams();
  const { business, agents } = useBusinessData();
  const notify = useToast();
  const [canceling, setCanceling] = useState(false);
  const load = useCallback(() => voiceApi.call(business.id, callId), [business.id, callId]);
  const call = useResource<Call>(load);

  useEffect(() => agents.ensure(), [agents.ensure]);
  usePoll(async () => call.set(await load()), {
    enabled: call.data !== null && isLive(call.data.status),
    intervalMs: 2000,
  });

  async function cancel(current: Call) {
    call.set(await voiceApi.cancelCall(business.id, current.id));
    setCanceling(false);
    notify('Call canceled.');
  }

  const back = (
    <ButtonLink to="/calls" variant="ghost" size="sm" icon="arrowLeft">
      Calls
    </ButtonLink>
  );
  if (call.status === 'loading') {
    return (
      <>
        {back}
        <div className="page-loading">
          <Spinner size={24} label="Loading the call" />
        </div>
      </>
    );
  }
  if (!call.data) {
    return (
      <>
        {back}
        <LoadError title="This call did not load" error={call.error} onRetry={call.reload} />
      </>
    );
  }
  const c = call.data;
  return (
    <>
      {back}
      <PageHeader
        title={`Call to ${c.to}`}
        description={<CallStatusBadge status={c.status} />}
        actions={
          <>
            {isCancelable(c.status) && (
              <Button variant="danger" onClick={() => setCanceling(true)}>
                Cancel call
              </Button>
            )}
            {!isLive(c.status) && c.answeredAt && (
              <ButtonLink to={`/conversations/${c.conversationId}`} icon="chat" variant="primary">
                Conversation
              </ButtonLink>
            )}
          </>
        }
      />
      {call.error && <LoadError title="The latest status did not load" error={call.error} />}
      <div className="detail-grid">
        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title" className="card-title">
            Timeline
          </h2>
          <CallTimeline call={c} />
        </section>
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title" className="card-title">
            Details
          </h2>
          <dl className="facts">
            <dt>Agent</dt>
            <dd>{agentName(agents.items, c.agentId)}</dd>
            <dt>From</dt>
            <dd className="mono">{c.from}</dd>
            <dt>Provider</dt>
            <dd>{c.provider}</dd>
            <dt>Duration</dt>
            <dd>{c.answeredAt ? formatDuration(c.durationSeconds) : '—'}</dd>
            <dt>Ended because</dt>
            <dd>{isLive(c.status) ? '—' : reasonText(c.endedReason)}</dd>
            <dt>Placed</dt>
            <dd>{formatPrecise(c.createdAt)}</dd>
            <dt>Conversation</dt>
            <dd>
              <Link className="link mono" to={`/conversations/${c.conversationId}`}>
                {c.conversationId}
              </Link>
            </dd>
            <dt>Call id</dt>
            <dd className="mono">{c.id}</dd>
          </dl>
          <KeyValues title="Variables" values={c.variables} />
          <KeyValues title="Metadata" values={c.metadata} />
        </section>
      </div>
      {canceling && (
        <ConfirmDialog
          title="Cancel this call?"
          confirmLabel="Cancel call"
          onConfirm={() => cancel(c)}
          onCancel={() => setCanceling(false)}
        >
          <p>It has not been answered yet; it ends now as canceled.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function KeyValues({ title, values }: { title: string; values: Record<string, string> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <>
      <h3 className="subheading">{title}</h3>
      <dl className="facts">
        {entries.map(([name, value]) => (
          <div key={name} className="facts-row">
            <dt className="mono">{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
