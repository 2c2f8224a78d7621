import { usePageTitle } from '../brand/brand';
import { ButtonLink } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';

export function NotFoundPage() {
  usePageTitle('Not found');
  return (
    <div className="card">
      <EmptyState
        icon="search"
        title="This page does not exist"
        action={
          <ButtonLink to="/" variant="primary">
            Go to the overview
          </ButtonLink>
        }
      >
        The link may be old, or the address mistyped.
      </EmptyState>
    </div>
  );
}
