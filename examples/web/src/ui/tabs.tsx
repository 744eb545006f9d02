import { type KeyboardEvent, type ReactNode, useRef } from 'react';

export interface Tab<T extends string> {
  id: T;
  label: string;
}

/**
 * Tabs (the WAI-ARIA tabs pattern, automatic activation): one tab stop for the list, ←/→, Home
 * and End move and select. The caller renders the panel: `<TabPanel>` with the same ids.
 */
export function Tabs<T extends string>(props: {
  label: string;
  idPrefix: string;
  tabs: readonly Tab<T>[];
  selected: T;
  onSelect: (id: T) => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const index = props.tabs.findIndex((t) => t.id === props.selected);
  const move = (event: KeyboardEvent) => {
    const last = props.tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % props.tabs.length
        : event.key === 'ArrowLeft'
          ? (index - 1 + props.tabs.length) % props.tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    props.onSelect(props.tabs[next].id);
    list.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };
  return (
    <div ref={list} role="tablist" aria-label={props.label} className="tabs" onKeyDown={move}>
      {props.tabs.map((tab) => {
        const selected = tab.id === props.selected;
        return (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`${props.idPrefix}-tab-${tab.id}`}
            aria-selected={selected}
            aria-controls={`${props.idPrefix}-panel`}
            tabIndex={selected ? 0 : -1}
            onClick={() => props.onSelect(tab.id)}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}

export function TabPanel(props: { idPrefix: string; selected: string; children: ReactNode }) {
  return (
    <div role="tabpanel" id={`${props.idPrefix}-panel`} aria-labelledby={`${props.idPrefix}-tab-${props.selected}`}>
      {props.children}
    </div>
  );
}
