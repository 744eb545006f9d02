import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';

type Announce = (message: string, tone?: 'success' | 'error') => void;

const AnnouncerContext = createContext<Announce>(() => undefined);

/** Says what a change did: `announce('Grace Hopper is now Accounting.')`. */
export function useAnnounce(): Announce {
  return useContext(AnnouncerContext);
}

const SHOWN_MS = 12_000;

/**
 * The one polite live region of the app (`role="status"`), drawn as a toast: each result of a
 * change is read out by screen readers and seen by everyone, without moving focus. The region is
 * in the page from the start (a region added with its text is often not read), emptied first so
 * that the same sentence twice is read twice, and cleared after a while.
 */
export function AnnouncerProvider(props: { children: ReactNode }) {
  const [message, setMessage] = useState<{ text: string; tone: 'success' | 'error' } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const announce = useCallback<Announce>((text, tone = 'success') => {
    setMessage(null);
    clearTimeout(timer.current);
    requestAnimationFrame(() => {
      setMessage({ text, tone });
      timer.current = setTimeout(() => setMessage(null), SHOWN_MS);
    });
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
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
