import { type ReactNode, useId, useState } from 'react';
import { Button } from './button';
import { formatTotal } from '../format';

export function Callout(props: {
  tone?: 'info' | 'warning' | 'danger' | 'success';
  title?: ReactNode;
  children?: ReactNode;
  role?: 'alert' | 'note';
}) {
  return (
    <div className={`callout callout-${props.tone ?? 'info'}`} role={props.role}>
      {props.title && <p className="callout-title">{props.title}</p>}
      {props.children}
    </div>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <div className="empty">{props.children}</div>;
}

export function Loading(props: { what?: string }) {
  return <p className="muted">Loading{props.what ? ` ${props.what}` : ''}…</p>;
}

/**
 * A value to copy somewhere else (a DNS record, a signing secret): readonly, selectable, with a
 * Copy button that says when it worked.
 */
export function CopyField(props: { label: string; value: string; hint?: ReactNode }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <span className="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      <div className="copy-field">
        <input
          id={id}
          className="input"
          readOnly
          value={props.value}
          aria-describedby={props.hint ? `${id}-hint` : undefined}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button
          size="sm"
          aria-label={`Copy ${props.label.toLowerCase()}`}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(props.value);
              setCopied(true);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  );
}

/**
 * Keyset pages: "Previous" when the page before is known, "Next" when the server says there is
 * one, and where one is ("Page 2 · 21–40 of 57").
 */
export function Pager(props: {
  page: number;
  pageSize: number;
  shown: number;
  total?: number | null;
  /** The total is where the server stopped counting ("10,000+"). */
  totalIsLowerBound?: boolean;
  hasNext: boolean;
  onPrevious: (() => void) | null;
  onFirst: (() => void) | null;
  onNext: () => void;
  label: string;
}) {
  const from = (props.page - 1) * props.pageSize + (props.shown > 0 ? 1 : 0);
  const to = (props.page - 1) * props.pageSize + props.shown;
  if (props.page === 1 && !props.hasNext) {
    return props.total !== undefined && props.total !== null ? (
      <div className="table-footer">
        <span>{props.total === 1 ? '1 result' : `${formatTotal(props.total, props.totalIsLowerBound)} results`}</span>
      </div>
    ) : null;
  }
  return (
    <nav className="table-footer" aria-label={props.label}>
      <span>
        Page {props.page} · {from}–{to}
        {props.total !== undefined &&
          props.total !== null &&
          ` of ${formatTotal(props.total, props.totalIsLowerBound)}`}
      </span>
      <span className="cluster">
        {props.onPrevious ? (
          <Button size="sm" onClick={props.onPrevious}>
            Previous page
          </Button>
        ) : (
          props.onFirst && (
            <Button size="sm" onClick={props.onFirst}>
              First page
            </Button>
          )
        )}
        <Button size="sm" disabled={!props.hasNext} onClick={props.onNext}>
          Next page
        </Button>
      </span>
    </nav>
  );
}
