import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { CombinedError } from 'urql';
import { ErrorMessage } from '../errors';
import { Button } from './button';

/**
 * A modal dialog on the platform's own `<dialog>`: `showModal()` makes the rest of the page inert,
 * traps focus and closes on Escape. Mounting it opens it; unmounting closes it and gives focus
 * back to what opened it (or to the page's heading when that is gone, e.g. a removed row).
 * With `onSubmit` its body and footer are one form, so Enter in a field submits it.
 */
export function Dialog(props: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  onSubmit?: (event: FormEvent) => void;
  wide?: boolean;
  /** While a request runs, Escape does not close it. */
  busy?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { busy, onClose } = props;
  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>(
        'input:not([type=hidden]):not([type=radio]):not([disabled]):not([readonly]), input[type=radio]:checked, select:not([disabled]), textarea',
      );
    first?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
      else document.querySelector<HTMLElement>('main h1')?.focus();
    };
  }, []);
  const content = (
    <>
      <div className="dialog-body">{props.children}</div>
      {props.footer && <div className="dialog-footer">{props.footer}</div>}
    </>
  );
  return (
    <dialog
      ref={ref}
      className={props.wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <div className="dialog-header">
        <h2 id={titleId}>{props.title}</h2>
        <Button variant="ghost" className="btn-icon" aria-label="Close" onClick={onClose} disabled={busy}>
          ×
        </Button>
      </div>
      {props.onSubmit ? (
        <form onSubmit={props.onSubmit} noValidate={false}>
          {content}
        </form>
      ) : (
        content
      )}
    </dialog>
  );
}

/**
 * "Are you sure?" for what cannot be undone or raises someone's access: says what will happen,
 * runs the change on confirm, shows the server's refusal in place, and closes on success.
 * Focus starts on Cancel, the harmless choice.
 */
export function ConfirmDialog(props: {
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  onConfirm: () => Promise<CombinedError | Error | string | null | undefined>;
  onClose: () => void;
  /** Extra condition for the confirm button (e.g. a typed name), with its reason. */
  confirmDisabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError | Error | string | null>(null);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const failure = await props.onConfirm();
    setBusy(false);
    if (failure) setError(failure);
    else props.onClose();
  };
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      busy={busy}
      onSubmit={confirm}
      footer={
        <>
          <Button onClick={props.onClose} disabled={busy} data-autofocus>
            Cancel
          </Button>
          <Button
            type="submit"
            variant={props.tone === 'primary' ? 'primary' : 'danger'}
            busy={busy}
            disabled={props.confirmDisabled}
          >
            {props.confirmLabel}
          </Button>
        </>
      }
    >
      {props.children}
      <ErrorMessage error={error} />
    </Dialog>
  );
}
