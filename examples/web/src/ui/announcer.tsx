import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';

type Announce = (message: string, tone?: 'success' | 'error') => void;

const AnnouncerContext = createContext<Announce>(() => undefined);

/** Says what a change did: `announce('Grace Hopper is now Accounting.')`. */
export function useAnnounce(): Announce {
  return useContext(AnnouncerContext);
}

const SHOWN_MS = 8_000;
/** A toast shown this long ago belongs to the page it was shown on: going to another clears it. */
const PAGE_GRACE_MS = 1_500;

/** The page, as the toast sees it: the path and the organization section, not filters or pages. */
const pageOf = () => `${window.location.pathname}?${new URL(window.location.href).searchParams.get('section') ?? ''}`;

/**
 * The one polite live region of the app (`role="status"`), drawn as a toast: each result of a
 * change is read out by screen readers and seen by everyone, without moving focus. The region is
 * in the page from the start (a region added with its text is often not read), emptied first so
 * that the same sentence twice is read twice, and cleared after a while or when the person goes
 * to another page. It sits in a corner, narrow, and lets clicks through to what is under it.
 */
export function AnnouncerProvider(props: { children: ReactNode }) {
  const [message, setMessage] = useState<{ text: string; tone: 'success' | 'error' } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const shown = useRef<{ page: string; at: number } | null>(null);
  const announce = useCallback<Announce>((text, tone = 'success') => {
    setMessage(null);
    clearTimeout(timer.current);
    // Said on the way to another page ("created: here it is") it goes with the person there.
    shown.current = { page: pageOf(), at: Date.now() };
    requestAnimationFrame(() => {
      setMessage({ text, tone });
      timer.current = setTimeout(() => setMessage(null), SHOWN_MS);
    });
  }, []);
  useEffect(() => {
    // A result read on one page says nothing about the next: it does not follow the person there.
    const moved = () => {
      const last = shown.current;
      if (!last || last.page === pageOf()) return;
      if (Date.now() - last.at < PAGE_GRACE_MS) {
        last.page = pageOf();
        return;
      }
      shown.current = null;
      clearTimeout(timer.current);
      setMessage(null);
    };
    window.addEventListener('popstate', moved);
    return () => {
      window.removeEventListener('popstate', moved);
      clearTimeout(timer.current);
    };
  }, []);
  return (
    <AnnouncerContext.Provider value={announce}>
      {props.children}
      <div className="toast-region">
        <div
          role="status"
          aria-live="polite"
          aria-atomic="true"
          className={message?.tone === 'error' ? 'toast toast-error' : 'toast'}
        >
          {message?.text ?? ''}
        </div>
      </div>
    </AnnouncerContext.Provider>
  );
}
