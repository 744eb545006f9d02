import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

/**
 * No router library: the address bar is the state. Paths pick the screen, the query string keeps
 * a screen's section, tab, search, filters and page, so that Back, Reload and a shared link all
 * land where one was. `navigate` pushes a history entry; typing in a search box replaces it.
 */
export function useLocation(): URL {
  const [href, setHref] = useState(window.location.href);
  useEffect(() => {
    const update = () => setHref(window.location.href);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return new URL(href);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const next = new URL(to, window.location.href);
  if (next.href === window.location.href) return;
  if (options.replace) window.history.replaceState(null, '', next);
  else window.history.pushState(null, '', next);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** A new query string from the current one: null or '' removes a key. */
export function withSearch(changes: Record<string, string | number | null | undefined>, base?: URL): string {
  const url = new URL(base ?? window.location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') url.searchParams.delete(key);
    else url.searchParams.set(key, String(value));
  }
  return `${url.pathname}${url.search}`;
}

export function updateSearch(
  changes: Record<string, string | number | null | undefined>,
  options: { replace?: boolean } = {},
): void {
  navigate(withSearch(changes), options);
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; current?: boolean }) {
  const { to, current, onClick, ...rest } = props;
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  };
  return <a {...rest} href={to} onClick={follow} aria-current={current ? 'page' : undefined} />;
}

/**
 * Keyset paging kept in the URL (`page` and `after`): the cursors seen on the way are remembered
 * per list, so "Previous" works after "Next"; a list opened straight on page 3 offers "First page".
 */
const seenCursors = new Map<string, (string | null)[]>();

export function useKeysetPage(listKey: string, location: URL) {
  const page = Math.max(1, Number(location.searchParams.get('page') ?? '1') || 1);
  const after = page > 1 ? location.searchParams.get('after') : null;
  const cursors = seenCursors.get(listKey) ?? [null];
  if (page > 1 && after && cursors[page - 1] !== after) {
    cursors[page - 1] = after;
    seenCursors.set(listKey, cursors);
  }
  const previousCursor = page > 1 ? cursors[page - 2] : undefined;
  return {
    page,
    after,
    next: (endCursor: string | null | undefined) => {
      const list = seenCursors.get(listKey) ?? [null];
      list[page] = endCursor ?? null;
      seenCursors.set(listKey, list);
      updateSearch({ page: page + 1, after: endCursor });
    },
    previous:
      page > 1 && previousCursor !== undefined
        ? () => updateSearch({ page: page - 1 === 1 ? null : page - 1, after: page - 1 === 1 ? null : previousCursor })
        : null,
    first: page > 1 ? () => updateSearch({ page: null, after: null }) : null,
  };
}

/** The changes that start a list over at its first page. */
export const FIRST_PAGE = { page: null, after: null } as const;
