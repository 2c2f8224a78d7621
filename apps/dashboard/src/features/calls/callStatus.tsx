import type { CallStatus } from '@iqra/sdk';
import { Badge, type Tone } from '../../ui/Badge';
import { Spinner } from '../../ui/Spinner';

const LOOK: Record<CallStatus, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  ringing: { label: 'Ringing', tone: 'brand' },
  in_progress: { label: 'In progress', tone: 'brand' },
  completed: { label: 'Completed', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  no_answer: { label: 'No answer', tone: 'warning' },
  busy: { label: 'Busy', tone: 'warning' },
  canceled: { label: 'Canceled', tone: 'neutral' },
};

export function statusLabel(status: CallStatus): string {
  return LOOK[status].label;
}

/** Not ended yet: its status may still change, so the page keeps asking. */
export function isLive(status: CallStatus): boolean {
  return status === 'queued' || status === 'ringing' || status === 'in_progress';
}

/** Not answered yet: it can still be canceled. */
export function isCancelable(status: CallStatus): boolean {
  return status === 'queued' || status === 'ringing';
}

/** A call's status as a chip; a live one spins. */
export function CallStatusBadge({ status }: { status: CallStatus }) {
  const { label, tone } = LOOK[status];
  return (
    <span className="status-chip" data-status={status}>
      <Badge tone={tone}>
        {isLive(status) && <Spinner size={10} />}
        {label}
      </Badge>
    </span>
  );
}

/** `endedReason` in words. */
export function reasonText(reason: string | null): string {
  if (!reason) return '—';
  const words: Record<string, string> = {
    agent_hangup: 'The agent hung up',
    hangup: 'The caller hung up',
    busy: 'The line was busy',
    no_answer: 'Nobody answered',
    carrier_error: 'The carrier refused the call',
    canceled: 'Canceled before it was answered',
    provider_error: 'The provider reported an error',
    provider_unreachable: 'The provider could not be reached',
    dispatch_interrupted: 'Interrupted while being placed',
  };
  return words[reason] ?? reason.replace(/_/g, ' ');
}

/** 75 → "1:15". */
export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}
