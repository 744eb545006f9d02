import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  /** Removal and the like: drawn in red, listed last after a separator. */
  danger?: boolean;
}

/**
 * The "⋯" menu of a row (the WAI-ARIA menu button pattern): one button per row instead of a
 * line of long ones. Enter, Space or ↓ opens it on the first item, ↑ on the last; ↑/↓, Home and
 * End move; Escape or Tab closes it and focus returns to the button. Choosing an item closes the
 * menu first and focuses the button, so a dialog the item opens gives focus back there.
 * With no items there is nothing to do on the row, and no button.
 */
export function RowMenu(props: { label: string; items: readonly (MenuItem | false | null | undefined)[] }) {
  const items = props.items.filter((item): item is MenuItem => Boolean(item));
  const ordered = [...items.filter((i) => !i.danger), ...items.filter((i) => i.danger)];
  const [open, setOpen] = useState(false);
  const [focusIndex, setFocusIndex] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[focusIndex]?.focus();
  }, [open, focusIndex]);
  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);
  if (ordered.length === 0) return null;

  const show = (index: number) => {
    setFocusIndex((index + ordered.length) % ordered.length);
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onButtonKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      show(0);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      show(ordered.length - 1);
    }
  };
  const onMenuKey = (event: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowDown: focusIndex + 1,
      ArrowUp: focusIndex - 1,
      Home: 0,
      End: ordered.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      show(moves[event.key]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'Tab') {
      setOpen(false);
    } else if (event.key.length === 1 && /\S/.test(event.key)) {
      // Type-ahead: the next item starting with that letter.
      const letter = event.key.toLowerCase();
      const next = ordered.findIndex((item, i) => i > focusIndex && item.label.toLowerCase().startsWith(letter));
      const first = ordered.findIndex((item) => item.label.toLowerCase().startsWith(letter));
      if (next >= 0 || first >= 0) show(next >= 0 ? next : first);
    }
  };
  const firstDanger = ordered.findIndex((i) => i.danger);
  return (
    <div className="menu-wrap">
      <button
        ref={button}
        type="button"
        className="btn btn-ghost btn-icon"
        aria-label={props.label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => (open ? setOpen(false) : show(0))}
        onKeyDown={onButtonKey}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <ul ref={menu} id={id} role="menu" aria-label={props.label} className="menu" onKeyDown={onMenuKey}>
          {ordered.map((item, index) => (
            <li key={item.label} role="none">
              {index === firstDanger && index > 0 && <div role="separator" />}
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className={item.danger ? 'danger' : undefined}
                onClick={() => {
                  close();
                  item.onSelect();
                }}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
