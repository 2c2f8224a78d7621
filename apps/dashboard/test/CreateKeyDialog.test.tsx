import type { ApiKeyCreate, Business } from '@iqra/sdk';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../src/api/client';
import { PRESETS } from '../src/features/keys/access';
import {
  CreateKeyDialog,
  type CreateKeyDialogProps,
  USER_MANAGEMENT_WARNING,
} from '../src/features/keys/CreateKeyDialog';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

function business(id: string, name: string, disabled = false): Business {
  return {
    id,
    name,
    defaultLanguage: 'en',
    timezone: 'UTC',
    disabled,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

const DENTAL = business('biz_dental', 'Dental Clinic');
const BAKERY = business('biz_bakery', 'Corner Bakery');

function setup(props: Partial<CreateKeyDialogProps> = {}) {
  const onCreate = vi.fn<(body: ApiKeyCreate) => Promise<void>>(async () => {});
  const onCancel = vi.fn();
  const onCreateBusiness = vi.fn(async (name: string) => business('biz_new', name));
  const user = userEvent.setup();
  render(
    <CreateKeyDialog
      businesses={[BAKERY, DENTAL]}
      businessesStatus="ready"
      currentBusinessId={DENTAL.id}
      onCreate={onCreate}
      onCancel={onCancel}
      onCreateBusiness={onCreateBusiness}
      now={() => NOW}
      {...props}
    />,
  );
  const dialog = screen.getByRole('dialog', { name: 'Add API key' });
  return { user, dialog, onCreate, onCancel, onCreateBusiness };
}

const nameInput = () => screen.getByRole('textbox', { name: 'Name' });
const submit = () => screen.getByRole('button', { name: 'Create key' });

describe('Add API key dialog', () => {
  it('opens with the least-privilege choice preselected and the name focused', () => {
    setup();
    expect(nameInput()).toHaveFocus();
    expect(screen.getByRole('radio', { name: 'Restricted' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Unrestricted' })).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Dental Clinic' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Corner Bakery' })).not.toBeChecked();
    expect(screen.getByRole('switch', { name: /User management/ })).not.toBeChecked();
    expect(screen.getByRole('combobox', { name: 'Expiration' })).toHaveValue('never');
  });

  it('refuses to submit without a name or a business, and says why next to each field', async () => {
    const { user, onCreate } = setup();
    await user.click(screen.getByRole('checkbox', { name: 'Dental Clinic' }));
    await user.click(submit());
    expect(onCreate).not.toHaveBeenCalled();
    expect(nameInput()).toHaveAttribute('aria-invalid', 'true');
    expect(nameInput()).toHaveAccessibleDescription(/Give the key a name/);
    expect(screen.getByRole('alert')).toHaveTextContent('Choose at least one business.');
    expect(nameInput()).toHaveFocus();

    // Errors follow the corrections.
    await user.type(nameInput(), 'Zapier');
    expect(nameInput()).not.toHaveAttribute('aria-invalid');
    await user.click(screen.getByRole('checkbox', { name: 'Corner Bakery' }));
    expect(screen.queryByText('Choose at least one business.')).toBeNull();
  });

  it('sends a restricted key for the chosen businesses', async () => {
    const { user, onCreate } = setup();
    await user.type(nameInput(), '  Zapier Integration - Dental Clinic ');
    await user.click(screen.getByRole('checkbox', { name: 'Corner Bakery' }));
    await user.click(submit());
    expect(onCreate).toHaveBeenCalledWith({
      name: 'Zapier Integration - Dental Clinic',
      businessScope: { type: 'restricted', businessIds: [DENTAL.id, BAKERY.id] },
      userManagement: false,
      permissions: PRESETS.full.permissions,
      allowedIps: [],
      expiresAt: null,
    });
  });

  it('hides the business list for Unrestricted and sends an unrestricted scope', async () => {
    const { user, onCreate } = setup();
    await user.type(nameInput(), 'Ops');
    await user.click(screen.getByRole('radio', { name: 'Unrestricted' }));
    expect(screen.queryByRole('checkbox', { name: 'Dental Clinic' })).toBeNull();
    await user.click(submit());
    expect(onCreate.mock.calls[0]?.[0].businessScope).toEqual({ type: 'unrestricted' });
  });

  it('warns about what user management grants, and sends it when switched on', async () => {
    const { user, onCreate } = setup();
    expect(screen.getByRole('switch', { name: /User management/ })).toHaveAccessibleName(
      expect.stringContaining(USER_MANAGEMENT_WARNING),
    );
    expect(screen.queryByText(/able to create more keys/)).toBeNull();
    await user.click(screen.getByRole('switch', { name: /User management/ }));
    expect(screen.getByText(/able to create more keys/)).toBeInTheDocument();
    await user.type(nameInput(), 'Admin script');
    await user.click(submit());
    expect(onCreate.mock.calls[0]?.[0].userManagement).toBe(true);
  });

  it('computes the expiry from the choice: 90 days from now', async () => {
    const { user, onCreate } = setup();
    await user.type(nameInput(), 'Temporary');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Expiration' }), '90');
    expect(screen.getByText(/The key stops working on/)).toBeInTheDocument();
    await user.click(submit());
    expect(onCreate.mock.calls[0]?.[0].expiresAt).toBe(
      new Date(NOW.getTime() + 90 * DAY).toISOString(),
    );
  });

  it('computes the expiry from the choice: the end of a chosen day, which is required', async () => {
    const { user, onCreate } = setup();
    await user.type(nameInput(), 'Temporary');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Expiration' }), 'date');
    await user.click(submit());
    expect(onCreate).not.toHaveBeenCalled();
    expect(screen.getByText('Pick the date the key stops working.')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Expiration date'), { target: { value: '2026-10-01' } });
    expect(screen.getByText('Pick a date in the future.')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Expiration date'), { target: { value: '2027-01-31' } });
    await user.click(submit());
    expect(onCreate.mock.calls[0]?.[0].expiresAt).toBe(
      new Date(2027, 0, 31, 23, 59, 59, 999).toISOString(),
    );
  });

  it("shows the API's field errors inline", async () => {
    const onCreate = vi.fn(async () => {
      throw new ApiProblem(400, 'validation_error', 'Body "name" is invalid.', [
        { path: '/businessScope/businessIds/0', message: 'is not one of your businesses (biz_x)' },
        { path: '/expiresAt', message: 'must be in the future' },
      ]);
    });
    const { user } = setup({ onCreate });
    await user.type(nameInput(), 'Zapier');
    await user.click(submit());
    await screen.findByText('Is not one of your businesses (biz_x)');
    expect(screen.getByText('Must be in the future.')).toBeInTheDocument();
    expect(submit()).toBeEnabled();
  });

  it('shows any other failure above the form, and keeps the input', async () => {
    const onCreate = vi.fn(async () => {
      throw new ApiProblem(429, 'rate_limited', 'Request was throttled.', [], 12);
    });
    const { user } = setup({ onCreate });
    await user.type(nameInput(), 'Zapier');
    await user.click(submit());
    expect(await screen.findByText('Too many requests. Try again in 12 seconds.')).toBeVisible();
    expect(nameInput()).toHaveValue('Zapier');
  });

  it('guides an account without businesses to create one from the dialog', async () => {
    const { user, onCreate, onCreateBusiness } = setup({
      businesses: [],
      currentBusinessId: null,
    });
    expect(screen.getByText(/You have no businesses yet/)).toBeInTheDocument();
    await user.type(nameInput(), 'First key');
    await user.click(submit());
    expect(screen.getByRole('alert')).toHaveTextContent(
      'You have no businesses yet. Create one first, or choose Unrestricted.',
    );
    expect(onCreate).not.toHaveBeenCalled();
    await user.type(screen.getByRole('textbox', { name: 'New business name' }), 'Dental Clinic');
    await user.click(screen.getByRole('button', { name: 'Create business' }));
    expect(onCreateBusiness).toHaveBeenCalledWith('Dental Clinic');
  });

  it('restricts the key to a business created from the dialog', async () => {
    const created = business('biz_new', 'Dental Clinic');
    let list: Business[] = [];
    const onCreate = vi.fn(async () => {});
    const props = (): CreateKeyDialogProps => ({
      businesses: list,
      businessesStatus: 'ready',
      currentBusinessId: null,
      onCreate,
      onCancel: () => {},
      onCreateBusiness: async () => {
        list = [created];
        view.rerender(<CreateKeyDialog {...props()} now={() => NOW} />);
        return created;
      },
    });
    const view = render(<CreateKeyDialog {...props()} now={() => NOW} />);
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'New business name' }), 'Dental Clinic');
    await user.click(screen.getByRole('button', { name: 'Create business' }));
    await waitFor(() =>
      expect(screen.getByRole('checkbox', { name: 'Dental Clinic' })).toBeChecked(),
    );
    await user.type(nameInput(), 'First key');
    await user.click(submit());
    expect(onCreate.mock.calls[0]).toEqual([
      {
        name: 'First key',
        businessScope: { type: 'restricted', businessIds: ['biz_new'] },
        userManagement: false,
        permissions: PRESETS.full.permissions,
        allowedIps: [],
        expiresAt: null,
      },
    ]);
  });

  it('lets an account without businesses choose Unrestricted explicitly', async () => {
    const { user, onCreate } = setup({ businesses: [], currentBusinessId: null });
    await user.type(nameInput(), 'Everything');
    await user.click(screen.getByRole('radio', { name: 'Unrestricted' }));
    await user.click(submit());
    expect(onCreate.mock.calls[0]?.[0].businessScope).toEqual({ type: 'unrestricted' });
  });

  it('closes on Escape and on Cancel, but not while the request runs', async () => {
    let finish: () => void = () => {};
    const onCreate = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const { user, onCancel, dialog } = setup({ onCreate });
    await user.keyboard('{Escape}');
    expect(onCancel).toHaveBeenCalledTimes(1);
    await user.type(nameInput(), 'Zapier');
    await user.click(submit());
    expect(submit()).toBeDisabled();
    await user.keyboard('{Escape}');
    expect(onCancel).toHaveBeenCalledTimes(1);
    finish();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1); // still busy: the parent closes it on success
  });
});
