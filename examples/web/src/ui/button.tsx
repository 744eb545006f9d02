import type { ButtonHTMLAttributes } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

export function buttonClass(variant: ButtonVariant = 'secondary', size: 'sm' | 'md' = 'md', extra = ''): string {
  return ['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', extra].filter(Boolean).join(' ');
}

/** A button of the design system: a variant for its weight, a size, `type="button"` unless said. */
export function Button(
  props: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: 'sm' | 'md'; busy?: boolean },
) {
  const { variant, size, busy, className, type, disabled, children, ...rest } = props;
  return (
    <button
      {...rest}
      type={type ?? 'button'}
      className={buttonClass(variant, size, className)}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {children}
    </button>
  );
}
