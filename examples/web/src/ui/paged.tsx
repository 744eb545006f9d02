import { useKeysetPage, useLocation } from '../router';
import { Pager } from './misc';

/** What a paged list's query answers with: a page of nodes, where the next one starts, maybe a total. */
export interface PagedConnection {
  nodes: readonly unknown[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  totalCount?: number | null;
  totalCountIsLowerBound?: boolean | null;
}

/**
 * A paged connection kept in the URL: the variables for the query (`first`, `after`) and, once the
 * answer is in, its pager. `listKey` names the list with everything that starts it over (its scope,
 * its filters), so that the cursors seen on the way are remembered per list.
 */
export function usePagedConnection(listKey: string, pageSize: number) {
  const pages = useKeysetPage(listKey, useLocation());
  return {
    page: pages.page,
    variables: { first: pageSize, after: pages.after },
    pager: (connection: PagedConnection, label: string) => (
      <Pager
        label={label}
        page={pages.page}
        pageSize={pageSize}
        shown={connection.nodes.length}
        total={connection.totalCount}
        totalIsLowerBound={connection.totalCountIsLowerBound ?? undefined}
        hasNext={connection.pageInfo.hasNextPage}
        onNext={() => pages.next(connection.pageInfo.endCursor)}
        onPrevious={pages.previous}
        onFirst={pages.first}
      />
    ),
  };
}
