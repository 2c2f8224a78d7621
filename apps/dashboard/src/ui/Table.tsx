import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The label a phone shows beside the value, where the header row is hidden. */
  label?: string;
  className?: string;
}

export interface TableProps<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  rowClassName?: (row: T) => string | undefined;
  /** Placeholder rows of the final height while the first page loads. */
  loading?: boolean;
  skeletonRows?: number;
}

/** A data table; below 720px each row becomes a labelled card (see `.table` in components.css). */
export function Table<T>({
  caption,
  columns,
  rows,
  rowKey,
  rowClassName,
  loading = false,
  skeletonRows = 3,
}: TableProps<T>) {
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={loading || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.className}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {loading
            ? Array.from({ length: skeletonRows }, (_, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
                <tr key={i} className="row-skeleton">
                  {columns.map((column) => (
                    <td key={column.key} className={column.className}>
                      <span className="skeleton" aria-hidden="true" />
                    </td>
                  ))}
                </tr>
              ))
            : rows.map((row) => (
                <tr key={rowKey(row)} className={rowClassName?.(row)}>
                  {columns.map((column) => (
                    <td
                      key={column.key}
                      className={column.className}
                      data-label={
                        column.label ??
                        (typeof column.header === 'string' ? column.header : undefined)
                      }
                    >
                      {column.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
        </tbody>
      </table>
    </div>
  );
}
