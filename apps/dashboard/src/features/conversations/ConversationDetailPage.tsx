import type { Conversation } from '@iqra/sdk';
import { useCallback, useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatPrecise } from '../../lib/format';
import { usePoll } from '../../lib/poll';
import { useResource } from '../../lib/useResource';
import { agentName, useBusinessData } from '../../state/business';
import { ButtonLink } from '../../ui/Button';
import { CopyButton } from '../../ui/CopyButton';
import { LoadError } from '../../ui/LoadError';
import { Spinner } from '../../ui/Spinner';
import { CallStatusBadge, formatDuration, isLive, reasonText } from '../calls/callStatus';
import { Transcript } from './Transcript';

export function ConversationDetailPage() {
  usePageTitle('Conversation');
  const { conversationId = '' } = useParams();
  const { business, agents } = useBusinessData();
  const load = useCallback(
    () => voiceApi.conversation(business.id, conversationId),
    [business.id, conversationId],
  );
  const conversation = useResource<Conversation>(load);

  useEffect(() => agents.ensure(), [agents.ensure]);
  usePoll(async () => conversation.set(await load()), {
    enabled: conversation.data !== null && isLive(conversation.data.status),
    intervalMs: 3000,
  });

  const back = (
    <ButtonLink to="/conversations" variant="ghost" size="sm" icon="arrowLeft">
      Conversations
    </ButtonLink>
  );
  if (conversation.status === 'loading') {
    return (
      <>
        {back}
        <div className="page-loading">
          <Spinner size={24} label="Loading the conversation" />
        </div>
      </>
    );
  }
  if (!conversation.data) {
    return (
      <>
        {back}
        <LoadError
          title="This conversation did not load"
          error={conversation.error}
          onRetry={conversation.reload}
        />
      </>
    );
  }
  const c = conversation.data;
  return (
    <>
      {back}
      <PageHeader
        title={`Conversation with ${agentName(agents.items, c.agentId)}`}
        description={<CallStatusBadge status={c.status} />}
        actions={<CopyButton text={() => JSON.stringify(c, null, 2)} label="Copy as JSON" />}
      />
      <div className="detail-grid detail-grid-wide">
        <section className="card" aria-labelledby="transcript-title">
          <h2 id="transcript-title" className="card-title">
            Transcript
          </h2>
          <Transcript messages={c.messages} />
          {isLive(c.status) && (
            <p className="muted">The call is still going; this page follows it.</p>
          )}
        </section>
        <section className="card" aria-labelledby="conversation-facts">
          <h2 id="conversation-facts" className="card-title">
            Details
          </h2>
          <dl className="facts">
            <dt>Started</dt>
            <dd>{formatPrecise(c.startedAt)}</dd>
            <dt>Duration</dt>
            <dd>{c.answeredAt ? formatDuration(c.durationSeconds) : '—'}</dd>
            <dt>End reason</dt>
            <dd>{c.endedAt ? reasonText(c.endedReason) : '—'}</dd>
            <dt>Direction</dt>
            <dd>{c.direction}</dd>
            <dt>Call</dt>
            <dd>
              <Link className="link mono" to={`/calls/${c.callId}`}>
                {c.callId}
              </Link>
            </dd>
          </dl>
        </section>
      </div>
    </>
  );
}
