import type { ReactNode } from 'react';
import type { CursorList } from '../state/cursorList';
import { Button } from './Button';
import { LoadError } from './LoadError';
import { type Column, Table } from './Table';

/**
 * A cursor list in a card: the load error (with Retry), the empty state, or the table, then
 * "Load more" while the API says there is another page. One piece for every list page.
 */
export function CursorListTable<T>({
  list,
  caption,
  columns,
  rowKey,
  errorTitle,
  empty,
  moreLabel,
}: {
  list: CursorList<T>;
  caption: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** "Events did not load". */
  errorTitle: string;
  /** What to show, and what to do, when the first page is empty. */
  empty: ReactNode;
  /** "Load more events". */
  moreLabel: string;
}) {
  return (
    <>
      {list.status === 'error' ? (
        <div className="card-body">
          <LoadError title={errorTitle} error={list.error} onRetry={list.reload} />
        </div>
      ) : list.status === 'ready' && list.items.length === 0 ? (
        empty
      ) : (
        <Table
          caption={caption}
          columns={columns}
          rows={list.items}
          rowKey={rowKey}
          loading={list.status === 'loading'}
        />
      )}
      {list.nextCursor && (
        <div className="card-footer">
          <Button onClick={list.loadMore} loading={list.loadingMore}>
            {moreLabel}
          </Button>
        </div>
      )}
    </>
  );
}
