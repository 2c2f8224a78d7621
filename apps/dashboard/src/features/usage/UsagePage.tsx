import type { Billing, UsageRecord } from '@iqra/sdk';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatDate, formatDateTime } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useData } from '../../state/data';
import { EmptyState } from '../../ui/EmptyState';
import { LoadError } from '../../ui/LoadError';
import { type Column, Table } from '../../ui/Table';
import { formatDuration } from '../calls/callStatus';
import { MinutesChart } from './MinutesChart';
import { DAYS, minutesPerDay, windowStart } from './usageSeries';

const MAX_PAGES = 10;
const RECENT = 20;

/** Every usage record of the last 30 days (a page of 100 covers most accounts). */
async function recentUsage(from: string): Promise<UsageRecord[]> {
  const records: UsageRecord[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await voiceApi.usage({ from, cursor });
    records.push(...page.data);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return records;
}

export function UsagePage() {
  usePageTitle('Usage & billing');
  const { businesses } = useData();
  const [now] = useState(() => new Date());
  const from = windowStart(now).toISOString();
  const billing = useResource<Billing>(voiceApi.billing);
  const loadUsage = useCallback(() => recentUsage(from), [from]);
  const usage = useResource<UsageRecord[]>(loadUsage);
  const series = useMemo(() => minutesPerDay(usage.data ?? [], now), [usage.data, now]);
  const total = series.minutes.reduce((sum, m) => sum + m, 0);

  useEffect(() => businesses.ensure(), [businesses.ensure]);

  const businessName = (id: string) => businesses.items.find((b) => b.id === id)?.name ?? id;
  const columns: Column<UsageRecord>[] = [
    {
      key: 'ended',
      header: 'Ended',
      cell: (r) => (
        <Link className="link" to={`/calls/${r.callId}?business=${r.businessId}`}>
          {formatDateTime(r.endedAt)}
        </Link>
      ),
    },
    { key: 'business', header: 'Business', cell: (r) => businessName(r.businessId) },
    { key: 'duration', header: 'Talk time', cell: (r) => formatDuration(r.durationSeconds) },
    { key: 'minutes', header: 'Billed', cell: (r) => `${r.minutes} min` },
  ];

  const b = billing.data;
  return (
    <>
      <PageHeader
        title="Usage & billing"
        description="Call minutes across all your businesses. Each call is billed rounded up to the minute."
      />
      {billing.status === 'error' && !b && (
        <LoadError title="Billing did not load" error={billing.error} onRetry={billing.reload} />
      )}
      <div className="grid-3">
        <Stat
          label="Credit left"
          value={b ? `${b.creditMinutes} min` : null}
          sub={b ? `${b.plan} plan` : ''}
        />
        <Stat
          label="Minutes this period"
          value={b ? `${b.currentPeriod.minutes} min` : null}
          sub={b ? `${b.currentPeriod.calls} calls since ${formatDate(b.currentPeriod.start)}` : ''}
        />
        <Stat
          label={`Last ${DAYS} days`}
          value={usage.data ? `${total} min` : null}
          sub={usage.data ? `${usage.data.length} calls` : ''}
        />
      </div>
      <section className="card" aria-labelledby="chart-title">
        <h2 id="chart-title" className="card-title">
          Minutes per day
        </h2>
        <p className="card-description">Last {DAYS} days, UTC.</p>
        {usage.status === 'error' ? (
          <LoadError title="Usage did not load" error={usage.error} onRetry={usage.reload} />
        ) : usage.status === 'loading' ? (
          <div className="chart skeleton" style={{ height: 220 }} aria-hidden="true" />
        ) : (
          <>
            <MinutesChart days={series.days} minutes={series.minutes} />
            <p className="visually-hidden">
              {total} billed minutes over the last {DAYS} days.
            </p>
          </>
        )}
      </section>
      <section className="card card-flush" aria-labelledby="records-title">
        <div className="card-header">
          <h2 id="records-title" className="card-title">
            Recent usage
          </h2>
        </div>
        {usage.status === 'ready' && usage.data.length === 0 ? (
          <EmptyState icon="chart" title="No billed calls yet">
            A completed call adds a record here. Place a test call from a business’s Calls page.
          </EmptyState>
        ) : (
          <div className="card-body-flush">
            <Table
              caption="Recent usage records"
              columns={columns}
              rows={(usage.data ?? []).slice(0, RECENT)}
              rowKey={(r) => r.callId}
              loading={usage.status === 'loading'}
            />
          </div>
        )}
      </section>
    </>
  );
}

function Stat({ label, value, sub }: { label: string; value: string | null; sub: string }) {
  return (
    <section className="card stat" aria-label={label}>
      <span className="stat-label">{label}</span>
      {value === null ? (
        <span className="skeleton stat-skeleton" />
      ) : (
        <span className="stat-value">{value}</span>
      )}
      <span className="stat-sub">{sub}</span>
    </section>
  );
}
