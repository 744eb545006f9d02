import type { HTMLAttributes, ReactNode } from 'react';

/** One column: its header (also the label a narrow screen's card shows beside the cell) and its cell. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** The row's first, naming cell: bold on a card, without a label. */
  primary?: boolean;
  className?: string;
}

/**
 * The app's one table: a caption (read first by a screen reader, hidden when a heading says the
 * same), a header row, one row per item and, when `actions` is given, a last column holding each
 * row's menu. Under 40rem each row becomes a card whose cells say what they are (styles.css).
 * `children` go under the table, inside its frame: the pager.
 */
export function DataTable<T>(props: {
  caption: ReactNode;
  captionHidden?: boolean;
  /** `false` leaves a column out (one shown only at some scopes). */
  columns: (Column<T> | false)[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement>;
  actions?: (row: T) => ReactNode;
  className?: string;
  children?: ReactNode;
}) {
  const columns = props.columns.filter((c): c is Column<T> => c !== false);
  return (
    <div className="table-wrap">
      <table className={['data-table', props.className].filter(Boolean).join(' ')}>
        <caption className={props.captionHidden ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={column.className}>
                {column.header}
              </th>
            ))}
            {props.actions && (
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} {...props.rowProps?.(row)}>
              {columns.map((column) => (
                <td
                  key={column.header}
                  className={
                    [column.primary && 'primary-cell', column.className].filter(Boolean).join(' ') || undefined
                  }
                  data-label={column.primary ? undefined : column.header}
                >
                  {column.cell(row)}
                </td>
              ))}
              {props.actions && <td className="actions">{props.actions(row)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {props.children}
    </div>
  );
}
