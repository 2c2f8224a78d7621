import { type InputHTMLAttributes, type ReactNode, type Ref, useId } from 'react';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  'aria-required'?: true;
}

export interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  required?: boolean;
  /** Keeps room for one line of error under the control so the form does not jump. */
  reserveError?: boolean;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

/** A label, a control, a hint and an inline error, wired together for assistive tech. */
export function Field({
  label,
  hint,
  error,
  required,
  reserveError = false,
  className,
  children,
}: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint && hintId, error && errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error && 'field-invalid', className].filter(Boolean).join(' ')}>
      <label className="field-label" htmlFor={id}>
        {label}
        {required && (
          <span className="field-required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
        ...(required ? { 'aria-required': true } : {}),
      })}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : (
        reserveError && <p className="field-error field-error-empty" aria-hidden="true" />
      )}
    </div>
  );
}

export interface TextFieldProps
  extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id'> {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | undefined;
  reserveError?: boolean;
  ref?: Ref<HTMLInputElement>;
}

export function TextField({
  label,
  value,
  onChange,
  hint,
  error,
  required,
  reserveError,
  className,
  ref,
  ...input
}: TextFieldProps) {
  return (
    <Field
      label={label}
      hint={hint}
      error={error}
      required={required}
      reserveError={reserveError}
      className={className}
    >
      {(control) => (
        <input
          ref={ref}
          className="input"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...control}
          {...input}
        />
      )}
    </Field>
  );
}
