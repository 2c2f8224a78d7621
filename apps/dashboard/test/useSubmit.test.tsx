import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../src/api/client';
import { Button } from '../src/ui/Button';
import { TextField } from '../src/ui/Field';
import { ToastProvider } from '../src/ui/Toast';
import { type SubmitOptions, useSubmit } from '../src/ui/useSubmit';

type Fields = 'name' | 'timezone';

/** A form with one field, its errors and a submit button, around the hook under test. */
function Form(props: Partial<SubmitOptions<Fields, [], unknown>>) {
  const [name, setName] = useState('');
  const { busy, errors, onSubmit, bind } = useSubmit<Fields>({
    fields: ['name', 'timezone'],
    action: async () => {},
    ...props,
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      {errors.form && <p role="alert">{errors.form}</p>}
      <TextField label="Name" {...bind('name', name, setName)} />
      {errors.timezone && <p data-testid="timezone-error">{errors.timezone}</p>}
      <Button type="submit" loading={busy}>
        Save
      </Button>
    </form>
  );
}

function setup(props: Partial<SubmitOptions<Fields, [], unknown>> = {}) {
  const user = userEvent.setup();
  render(
    <ToastProvider>
      <Form {...props} />
    </ToastProvider>,
  );
  const save = () => screen.getByRole('button', { name: 'Save' });
  return { user, save };
}

function deferred() {
  let resolve: () => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('useSubmit', () => {
  it('is busy while the request runs, and not after it settles', async () => {
    const request = deferred();
    const { user, save } = setup({ action: () => request.promise });
    expect(save()).toBeEnabled();
    await user.click(save());
    expect(save()).toBeDisabled();
    expect(save()).toHaveAttribute('aria-busy', 'true');
    await act(async () => request.resolve());
    expect(save()).toBeEnabled();
    expect(save()).not.toHaveAttribute('aria-busy');
  });

  it('stays busy after a success that leaves the form (leavesOnSuccess), but not after a failure', async () => {
    const action = vi
      .fn<() => Promise<void>>()
      .mockRejectedValueOnce(new ApiProblem(500, 'internal', 'The server failed.'))
      .mockResolvedValueOnce(undefined);
    const { user, save } = setup({ action, leavesOnSuccess: true });
    await user.click(save());
    expect(await screen.findByRole('alert')).toHaveTextContent('The server failed.');
    expect(save()).toBeEnabled();
    await user.click(save());
    expect(action).toHaveBeenCalledTimes(2);
    expect(save()).toBeDisabled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it("maps a 400 problem's errors[].path to fields, and an error no field takes to the form", async () => {
    const action = vi.fn(async () => {
      throw new ApiProblem(400, 'validation_error', 'Body is invalid.', [
        { path: '/name', message: 'must NOT have more than 100 characters' },
        { path: '/timezone', message: 'must be an IANA time zone' },
        { path: '/name', message: 'a second error of the same field is not shown' },
        { path: '/metadata/color', message: 'must be a string' },
      ]);
    });
    const { user, save } = setup({ action });
    await user.click(save());
    expect(await screen.findByText('Must be at most 100 characters.')).toHaveClass('field-error');
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('timezone-error')).toHaveTextContent('Must be an IANA time zone.');
    expect(screen.getByRole('alert')).toHaveTextContent('Must be a string.');
    // Typing in the field forgets its error only.
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'A');
    expect(screen.queryByText('Must be at most 100 characters.')).not.toBeInTheDocument();
    expect(screen.getByTestId('timezone-error')).toBeInTheDocument();
  });

  it("shows a problem's detail above the form when no error names a field, or it is not a 400", async () => {
    const action = vi
      .fn<() => Promise<void>>()
      .mockRejectedValueOnce(
        new ApiProblem(400, 'validation_error', 'Body "other" is invalid.', [
          { path: '/other', message: 'is unknown' },
        ]),
      )
      .mockRejectedValueOnce(new ApiProblem(429, 'rate_limited', 'Throttled.', [], 7))
      .mockRejectedValueOnce(new TypeError('boom'));
    const { user, save } = setup({ action });
    await user.click(save());
    expect(await screen.findByRole('alert')).toHaveTextContent('Body "other" is invalid.');
    await user.click(save());
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many requests. Try again in 7 seconds.',
    );
    await user.click(save());
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Something went wrong. Please try again.',
    );
  });

  it('lets the form word a failure it knows (onProblem)', async () => {
    const action = vi.fn(async () => {
      throw new ApiProblem(409, 'name_taken', 'Conflict.');
    });
    const { user, save } = setup({
      action,
      onProblem: (error) =>
        error instanceof ApiProblem && error.code === 'name_taken'
          ? { name: 'That name is taken.' }
          : undefined,
    });
    await user.click(save());
    expect(await screen.findByText('That name is taken.')).toHaveClass('field-error');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('runs the client checks first and sends nothing while they fail', async () => {
    const action = vi.fn(async () => {});
    const { user, save } = setup({ action, validate: () => ({ name: 'Enter a name.' }) });
    await user.click(save());
    expect(screen.getByText('Enter a name.')).toHaveClass('field-error');
    expect(action).not.toHaveBeenCalled();
  });

  it('shows a success toast', async () => {
    const { user, save } = setup({ success: 'Settings saved.' });
    await user.click(save());
    const toasts = screen.getByRole('status');
    expect(await screen.findByText('Settings saved.')).toBeVisible();
    expect(toasts).toContainElement(screen.getByText('Settings saved.'));
  });

  it('reports a failure as a danger toast when asked to (failureToast), not inline', async () => {
    const action = vi.fn(async () => {
      throw new ApiProblem(403, 'forbidden', 'Not yours.');
    });
    const { user, save } = setup({
      action,
      failureToast: (message) => `Could not save: ${message}`,
    });
    await user.click(save());
    expect(await screen.findByText('Could not save: Not yours.')).toBeVisible();
    expect(screen.getByText('Could not save: Not yours.').closest('.toast')).toHaveClass(
      'toast-danger',
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('a double submit sends one request', async () => {
    const request = deferred();
    const action = vi.fn(() => request.promise);
    const { save } = setup({ action });
    // Two submits in one tick: the button has not re-rendered as disabled in between.
    const form = save().closest('form') as HTMLFormElement;
    act(() => {
      fireEvent.submit(form);
      fireEvent.submit(form);
    });
    expect(action).toHaveBeenCalledTimes(1);
    await act(async () => request.resolve());
    act(() => {
      fireEvent.submit(form);
    });
    expect(action).toHaveBeenCalledTimes(2);
  });
});
