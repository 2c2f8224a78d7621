import type { Agent, Call } from '@iqra/sdk';
import { Link } from 'react-router';
import { formatRelative } from '../../lib/format';
import { agentName } from '../../state/business';
import { type Column, Table } from '../../ui/Table';
import { CallStatusBadge, formatDuration } from './callStatus';

/** Calls, newest first; the number links to the call's page. */
export function CallsTable({
  calls,
  agents,
  loading,
  compact = false,
}: {
  calls: Call[];
  agents: Agent[];
  loading: boolean;
  compact?: boolean;
}) {
  const columns: Column<Call>[] = [
    {
      key: 'to',
      header: 'To',
      cell: (call) => (
        <Link className="link mono" to={`/calls/${call.id}`}>
          {call.to}
        </Link>
      ),
    },
    { key: 'status', header: 'Status', cell: (call) => <CallStatusBadge status={call.status} /> },
    { key: 'agent', header: 'Agent', cell: (call) => agentName(agents, call.agentId) },
    {
      key: 'duration',
      header: 'Duration',
      cell: (call) => (call.answeredAt ? formatDuration(call.durationSeconds) : '—'),
    },
    {
      key: 'created',
      header: 'Placed',
      cell: (call) => <time dateTime={call.createdAt}>{formatRelative(call.createdAt)}</time>,
    },
  ];
  return (
    <Table
      caption="Calls"
      columns={compact ? columns.filter((c) => c.key !== 'duration') : columns}
      rows={calls}
      rowKey={(call) => call.id}
      loading={loading}
    />
  );
}
