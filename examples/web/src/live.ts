import { useCallback, useEffect } from 'react';
import { type AnyVariables, useQuery, type UseQueryArgs } from 'urql';

const DEFAULT_POLL_MS = 30_000;

/**
 * A query that stays true while others act: read from the cache and the network at once
 * (`cache-and-network`, the client's default), read again from the network when the window gets
 * focus or becomes visible, and every `pollMs` while it is visible. Returns the result and a
 * `refresh()` for after one's own changes.
 */
export function useLiveQuery<Data = any, Variables extends AnyVariables = AnyVariables>(
  args: UseQueryArgs<Variables, Data>,
  pollMs: number | null = DEFAULT_POLL_MS,
) {
  const [result, reexecute] = useQuery<Data, Variables>(args);
  const paused = args.pause === true;
  const refresh = useCallback(() => {
    if (!paused) reexecute({ requestPolicy: 'network-only' });
  }, [reexecute, paused]);
  useEffect(() => {
    const onFocus = () => refresh();
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisible);
    const timer = pollMs ? setInterval(onVisible, pollMs) : undefined;
    return () => {
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisible);
      clearInterval(timer);
    };
  }, [refresh, pollMs]);
  return [result, refresh] as const;
}
