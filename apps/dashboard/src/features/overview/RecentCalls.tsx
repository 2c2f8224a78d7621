import { useBusinessData } from '../../state/business';
import { ButtonLink } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { LoadError } from '../../ui/LoadError';
import { CallsTable } from '../calls/CallsTable';
import type { useCallsList } from '../calls/useCallsList';

/** The business's last few calls, live ones updating. */
export function RecentCalls({ calls }: { calls: ReturnType<typeof useCallsList> }) {
  const { agents } = useBusinessData();
  return (
    <section className="card card-flush" aria-labelledby="recent-calls">
      <div className="card-header card-header-row">
        <h2 id="recent-calls" className="card-title">
          Recent calls
        </h2>
        <ButtonLink to="/calls" size="sm" variant="ghost" icon="arrowRight">
          All calls
        </ButtonLink>
      </div>
      {calls.status === 'error' ? (
        <div className="card-body">
          <LoadError title="Calls did not load" error={calls.error} onRetry={calls.reload} />
        </div>
      ) : calls.status === 'ready' && calls.items.length === 0 ? (
        <EmptyState
          icon="phone"
          title="No calls yet"
          action={
            <ButtonLink to="/calls?test=1" variant="primary" icon="phone">
              Test call
            </ButtonLink>
          }
        >
          Make a test call to a simulator number to see one here.
        </EmptyState>
      ) : (
        <CallsTable
          calls={calls.items}
          agents={agents.items}
          loading={calls.status === 'loading'}
          compact
        />
      )}
    </section>
  );
}
