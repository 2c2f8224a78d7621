import { type FormEvent, useCallback, useRef, useState } from 'react';
import { ApiProblem, messageOf } from '../api/client';
import { useToast } from './Toast';

/** A form's messages: one per field, and `form` for what belongs to no field (shown above it). */
export type FormErrors<F extends string> = Partial<Record<F | 'form', string>>;

export interface SubmitOptions<F extends string, A extends unknown[], R> {
  /** The request. A rejection becomes errors (or a danger toast); a result may name a toast. */
  action: (...args: A) => Promise<R>;
  /** Client-side checks, run first: they replace the errors, and any message stops the submit. */
  validate?: (...args: A) => FormErrors<F>;
  /** The fields a 400 problem's `errors[].path` lands on by its first segment: "/name" → `name`. */
  fields?: readonly F[];
  /** For paths the first segment does not name: "/businessScope/businessIds/0" → `businessIds`. */
  fieldOf?: (path: string) => F | 'form' | undefined;
  /** Errors for a failure this form words itself (`invalid_credentials`); undefined: the default. */
  onProblem?: (error: unknown) => FormErrors<F> | undefined;
  /** A success toast; a function may answer undefined for none. */
  success?: string | ((result: R, ...args: A) => string | undefined);
  /**
   * Success takes the person away (a dialog closes, a page changes): stay busy until then, so
   * nothing can be clicked or closed in between.
   */
  leavesOnSuccess?: boolean;
  /** Reports a failure as a danger toast instead of inline errors (for a button, not a form). */
  failureToast?: (message: string, ...args: A) => string;
}

export interface Submit<F extends string, A extends unknown[]> {
  /** A request runs (the arguments of the running call are in `pending`). */
  busy: boolean;
  pending: A | null;
  errors: FormErrors<F>;
  /** Runs the submit; a call while one runs is ignored, so a double click sends one request. */
  run: (...args: A) => Promise<void>;
  /** `run` for a form's `onSubmit`: no page load. */
  onSubmit: (event: FormEvent) => void;
  /** Forgets the messages of fields the person changed; no list: all of them. */
  clear: (fields?: readonly (F | 'form')[]) => void;
  /** A text field's `value`, `onChange` (which forgets the field's message) and `error`. */
  bind: (
    field: F,
    value: string,
    setValue: (value: string) => void,
  ) => { value: string; onChange: (value: string) => void; error: string | undefined };
}

/**
 * The one way a dashboard form submits: client checks, a busy flag, the API's problem mapped to
 * field errors plus a form-level message, and a toast.
 */
export function useSubmit<F extends string = never, A extends unknown[] = [], R = unknown>(
  options: SubmitOptions<F, A, R>,
): Submit<F, A> {
  const notify = useToast();
  const [pending, setPending] = useState<A | null>(null);
  const [errors, setErrors] = useState<FormErrors<F>>({});
  const running = useRef(false);
  // Handlers close over the latest render's state; `run` stays one function.
  const latest = useRef(options);
  latest.current = options;

  const run = useCallback(
    async (...args: A) => {
      if (running.current) return;
      const { action, validate, onProblem, success, failureToast, leavesOnSuccess } =
        latest.current;
      const found = validate?.(...args) ?? {};
      setErrors(found);
      if (Object.values(found).some(Boolean)) return;
      running.current = true;
      setPending(args);
      try {
        const result = await action(...args);
        const message = typeof success === 'function' ? success(result, ...args) : success;
        if (message) notify(message);
        if (leavesOnSuccess) return;
      } catch (error) {
        if (failureToast) {
          notify(failureToast(messageOf(error), ...args), 'danger');
        } else {
          const { fields = [], fieldOf } = latest.current;
          setErrors(
            onProblem?.(error) ??
              problemErrors(error, fieldOf ?? ((path) => firstSegmentIn(path, fields))),
          );
        }
      }
      running.current = false;
      setPending(null);
    },
    [notify],
  );

  const onSubmit = useCallback(
    (event: FormEvent) => {
      event.preventDefault();
      void run(...([] as unknown as A));
    },
    [run],
  );

  const clear = useCallback((fields?: readonly (F | 'form')[]) => {
    setErrors((current) => {
      if (!fields) return Object.keys(current).length === 0 ? current : {};
      if (!fields.some((field) => current[field])) return current;
      const next = { ...current };
      for (const field of fields) delete next[field];
      return next;
    });
  }, []);

  const bind = (field: F, value: string, setValue: (value: string) => void) => ({
    value,
    onChange: (next: string) => {
      setValue(next);
      clear([field]);
    },
    error: errors[field],
  });

  return { busy: pending !== null, pending, errors, run, onSubmit, clear, bind };
}

function firstSegmentIn<F extends string>(path: string, fields: readonly F[]): F | undefined {
  const segment = path.split('/')[1] ?? '';
  return fields.find((field) => field === segment);
}

/**
 * A 400 problem's `errors[]` on the fields they name; one no field takes becomes the form-level
 * message, and a problem that names no field at all (or any other failure) shows its detail.
 */
export function problemErrors<F extends string>(
  error: unknown,
  fieldOf: (path: string) => F | 'form' | undefined,
): FormErrors<F> {
  const detail: FormErrors<F> = { form: messageOf(error) } as FormErrors<F>;
  if (!(error instanceof ApiProblem) || error.status !== 400) return detail;
  const found: FormErrors<F> = error.fieldErrors((path) => fieldOf(path) ?? 'form');
  return Object.keys(found).some((key) => key !== 'form') ? found : detail;
}
