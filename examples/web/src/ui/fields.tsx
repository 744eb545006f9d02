import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';

interface FieldProps {
  label: ReactNode;
  /** Shown under the label, read with the control (aria-describedby). */
  hint?: ReactNode;
  /** The server's word on this field, shown next to it and read with it. */
  error?: string | null;
  className?: string;
}

/** The ids a control needs to be read with its hint and its error. */
function useDescribed(hint: unknown, error: unknown) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return {
    id,
    hintId,
    errorId,
    describedBy: [hintId, errorId].filter(Boolean).join(' ') || undefined,
  };
}

function FieldFrame(props: FieldProps & { id: string; hintId?: string; errorId?: string; children: ReactNode }) {
  return (
    <div className={['field', props.className].filter(Boolean).join(' ')}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint && (
        <span className="hint" id={props.hintId}>
          {props.hint}
        </span>
      )}
      {props.children}
      {props.error && (
        <span className="field-error" id={props.errorId}>
          {props.error}
        </span>
      )}
    </div>
  );
}

export function TextField(props: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'className'>) {
  const { label, hint, error, className, ...input } = props;
  const d = useDescribed(hint, error);
  return (
    <FieldFrame {...{ label, hint, error, className }} id={d.id} hintId={d.hintId} errorId={d.errorId}>
      <input
        {...input}
        id={d.id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={d.describedBy}
      />
    </FieldFrame>
  );
}

export function TextareaField(props: FieldProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'className'>) {
  const { label, hint, error, className, ...input } = props;
  const d = useDescribed(hint, error);
  return (
    <FieldFrame {...{ label, hint, error, className }} id={d.id} hintId={d.hintId} errorId={d.errorId}>
      <textarea
        {...input}
        id={d.id}
        className="textarea"
        aria-invalid={error ? true : undefined}
        aria-describedby={d.describedBy}
      />
    </FieldFrame>
  );
}

export function SelectField(
  props: FieldProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'className'> & { children: ReactNode },
) {
  const { label, hint, error, className, children, ...select } = props;
  const d = useDescribed(hint, error);
  return (
    <FieldFrame {...{ label, hint, error, className }} id={d.id} hintId={d.hintId} errorId={d.errorId}>
      <select
        {...select}
        id={d.id}
        className="select"
        aria-invalid={error ? true : undefined}
        aria-describedby={d.describedBy}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

export function Checkbox(
  props: { label: ReactNode; hint?: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>,
) {
  const { label, hint, ...input } = props;
  const id = useId();
  return (
    <div className="stack-sm">
      <label className="checkbox" htmlFor={id}>
        <input {...input} id={id} type="checkbox" aria-describedby={hint ? `${id}-hint` : undefined} />
        <span>{label}</span>
      </label>
      {hint && (
        <span className="choice-description checkbox-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

export interface Choice<T extends string> {
  value: T;
  label: string;
  description?: string;
}

/**
 * One choice out of a few, each with a line saying what it means: a fieldset of radio buttons
 * whose names are the labels alone (the description is read as their description).
 */
export function RadioCards<T extends string>(props: {
  legend: ReactNode;
  name: string;
  choices: readonly Choice<T>[];
  value: T;
  onChange: (value: T) => void;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset className="field" aria-describedby={props.hint ? `${id}-hint` : undefined}>
      <legend className="field-label">{props.legend}</legend>
      {props.hint && (
        <span className="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      <div className="choices">
        {props.choices.map((choice) => (
          <label key={choice.value} className="choice">
            <input
              type="radio"
              name={`${props.name}-${id}`}
              value={choice.value}
              checked={props.value === choice.value}
              onChange={() => props.onChange(choice.value)}
              aria-labelledby={`${id}-${choice.value}-label`}
              aria-describedby={choice.description ? `${id}-${choice.value}` : undefined}
            />
            <span className="choice-text">
              <span className="choice-label" id={`${id}-${choice.value}-label`}>
                {choice.label}
              </span>
              {choice.description && (
                <span className="choice-description" id={`${id}-${choice.value}`}>
                  {choice.description}
                </span>
              )}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
