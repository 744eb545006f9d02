import type { CSSProperties, InputHTMLAttributes, ReactNode } from 'react';
import { ErrorMessage } from '../errors';
import { Button } from './button';
import { TextField } from './fields';

/**
 * A form of one field and its button on one line (a new workspace, a new domain, a seat limit):
 * the field with its hint and the server's word on it, the button busy while the server answers,
 * any other error under them. `children` are further buttons.
 */
export function InlineForm(props: {
  'aria-label'?: string;
  className?: string;
  style?: CSSProperties;
  field: {
    label: string;
    hint?: ReactNode;
    error?: string | null;
  } & Omit<InputHTMLAttributes<HTMLInputElement>, 'className' | 'onChange' | 'value'>;
  value: string;
  onChange: (value: string) => void;
  submitLabel: string;
  primary?: boolean;
  busy?: boolean;
  error?: Parameters<typeof ErrorMessage>[0]['error'];
  onSubmit: () => void | Promise<void>;
  children?: ReactNode;
}) {
  return (
    <form
      className={props.className ?? 'toolbar'}
      style={props.style}
      aria-label={props['aria-label']}
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSubmit();
      }}
    >
      <TextField
        {...props.field}
        className="field-inline"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <Button type="submit" variant={props.primary ? 'primary' : undefined} busy={props.busy}>
        {props.submitLabel}
      </Button>
      {props.children}
      <ErrorMessage error={props.error} />
    </form>
  );
}
