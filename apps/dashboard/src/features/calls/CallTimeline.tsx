import type { Call } from '@iqra/sdk';
import { formatPrecise } from '../../lib/format';
import { Icon } from '../../ui/Icon';
import { isLive, reasonText, statusLabel } from './callStatus';

const ORDER = ['queued', 'ringing', 'in_progress', 'ended'] as const;
type Step = (typeof ORDER)[number];

function reached(call: Call): number {
  if (!isLive(call.status)) return 3;
  return ORDER.indexOf(call.status as Step);
}

/** queued → ringing → in progress → ended, with the times the API gives and why it ended. */
export function CallTimeline({ call }: { call: Call }) {
  const at = reached(call);
  const neverAnswered = !isLive(call.status) && !call.answeredAt;
  const steps: { key: Step; title: string; time: string | null; note?: string }[] = [
    { key: 'queued', title: 'Queued', time: call.createdAt },
    { key: 'ringing', title: 'Ringing', time: null },
    {
      key: 'in_progress',
      title: 'In progress',
      time: call.answeredAt,
      ...(neverAnswered ? { note: 'Not answered' } : {}),
    },
    {
      key: 'ended',
      title: isLive(call.status) ? 'Ended' : statusLabel(call.status),
      time: call.endedAt,
      ...(isLive(call.status) ? {} : { note: reasonText(call.endedReason) }),
    },
  ];
  return (
    <ol className="timeline" aria-label="Call status timeline">
      {steps.map((step, index) => {
        const done = index < at || (index === at && !isLive(call.status));
        const current = index === at && isLive(call.status);
        const skipped = step.key === 'in_progress' && neverAnswered;
        return (
          <li
            key={step.key}
            className={[
              'timeline-step',
              done && !skipped && 'timeline-done',
              current && 'timeline-current',
              skipped && 'timeline-skipped',
            ]
              .filter(Boolean)
              .join(' ')}
            aria-current={current ? 'step' : undefined}
          >
            <span className="timeline-mark" aria-hidden="true">
              {done && !skipped ? <Icon name="check" size={12} /> : null}
            </span>
            <span className="timeline-title">{step.title}</span>
            <span className="timeline-time">
              {step.time ? (
                <time dateTime={step.time}>{formatPrecise(step.time)}</time>
              ) : done || current ? (
                ''
              ) : (
                '—'
              )}
            </span>
            {step.note && <span className="timeline-note">{step.note}</span>}
          </li>
        );
      })}
    </ol>
  );
}
