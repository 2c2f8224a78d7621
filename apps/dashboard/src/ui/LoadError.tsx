import type { ApiProblem } from '../api/client';
import { messageOf } from '../api/client';
import { Button } from './Button';
import { Callout } from './Callout';

/** A request that failed, said plainly, with a way to try again. */
export function LoadError({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: ApiProblem | Error | null | undefined;
  onRetry?: () => void;
}) {
  return (
    <Callout tone="danger" title={title} role="alert">
      {error ? messageOf(error) : 'Something went wrong.'}{' '}
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </Callout>
  );
}
