import type { ApiKey, ApiKeyCreate, Business } from '@iqra/sdk';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  allowlistError,
  descendantsOf,
  isIpOrCidr,
  permissionsSummary,
} from '../src/features/keys/access';
import { CreateKeyDialog } from '../src/features/keys/CreateKeyDialog';
import { RevokeKeyDialog } from '../src/features/keys/RevokeKeyDialog';
import { RollKeyDialog } from '../src/features/keys/RollKeyDialog';
import { SecurityLogPage } from '../src/features/security/SecurityLogPage';
import { DataProvider } from '../src/state/data';
import { ToastProvider } from '../src/ui/Toast';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const AT = NOW.toISOString();
const DENTAL: Business = {
  id: 'biz_dental',
  name: 'Dental Clinic',
  defaultLanguage: 'en',
  timezone: 'UTC',
  disabled: false,
  createdAt: AT,
  updatedAt: AT,
};

function key(patch: Partial<ApiKey>): ApiKey {
  return {
    id: 'key_1',
    name: 'Root',
    prefix: 'iqra_sk_Ab12',
    lastFour: 'zZ99',
    businessScope: { type: 'unrestricted' },
    userManagement: true,
    permissions: {
      businesses: 'write',
      agents: 'write',
      calls: 'write',
      conversations: 'write',
      webhooks: 'write',
      telephony: 'write',
    },
    allowedIps: [],
    rateLimitPerMinute: 60,
    status: 'active',
    revokedReason: null,
    createdBy: { type: 'user', id: 'usr_1' },
    rolledFromId: null,
    rolledToId: null,
    createdAt: AT,
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...patch,
  };
}

function renderCreate(maxLifetimeDays: number | null = null) {
  const onCreate = vi.fn<(body: ApiKeyCreate) => Promise<void>>(async () => {});
  const user = userEvent.setup();
  render(
    <CreateKeyDialog
      businesses={[DENTAL]}
      businessesStatus="ready"
      currentBusinessId={DENTAL.id}
      onCreate={onCreate}
      onCancel={() => {}}
      onCreateBusiness={async () => DENTAL}
      now={() => NOW}
      maxLifetimeDays={maxLifetimeDays}
    />,
  );
  return { user, onCreate, dialog: screen.getByRole('dialog', { name: 'Add API key' }) };
}

describe('permissions grid and presets', () => {
  it('starts at Full access, applies Read only, and sends each row as chosen', async () => {
    const { user, onCreate, dialog } = renderCreate();
    const grid = within(dialog);
    expect(grid.getByRole('button', { name: 'Full access' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await user.click(grid.getByRole('button', { name: 'Read only' }));
    expect(grid.getByRole('radio', { name: 'Calls: Read' })).toBeChecked();
    expect(grid.getByRole('button', { name: 'Read only' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(grid.getByRole('radio', { name: 'Calls: Write' }));
    await user.click(grid.getByRole('radio', { name: 'Telephony: None' }));
    expect(grid.getByRole('button', { name: 'Read only' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    await user.type(grid.getByLabelText(/^Name/), 'Calls bot');
    await user.click(grid.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(onCreate).toHaveBeenCalledTimes(1));
    expect(onCreate.mock.calls[0]?.[0].permissions).toEqual({
      businesses: 'read',
      agents: 'read',
      calls: 'write',
      conversations: 'read',
      webhooks: 'read',
      telephony: 'none',
    });
    expect(onCreate.mock.calls[0]?.[0].allowedIps).toEqual([]);
  });

  it('summarises permissions for the table', () => {
    const k = key({});
    expect(permissionsSummary(k.permissions)).toBe('Full access');
    expect(
      permissionsSummary({
        ...k.permissions,
        businesses: 'none',
        agents: 'none',
        webhooks: 'none',
        telephony: 'none',
        conversations: 'read',
      }),
    ).toBe('Calls: write, Conversations: read');
  });

  it('shows the policy maximum on the expiry choice', () => {
    const { dialog } = renderCreate(90);
    expect(
      within(dialog).getByRole('option', { name: 'Policy maximum (90 days)' }),
    ).toBeInTheDocument();
  });
});

describe('allowlist validation', () => {
  it('accepts IPv4/IPv6 addresses and CIDRs, refuses the rest', () => {
    for (const ok of [
      '203.0.113.9',
      '203.0.113.0/24',
      '2001:db8::/32',
      '::1',
      '::ffff:192.0.2.1',
      '0.0.0.0/0',
    ])
      expect(isIpOrCidr(ok), ok).toBe(true);
    for (const bad of [
      '203.0.113.256',
      '10.0.0.0/33',
      '2001:db8::/129',
      'example.com',
      '1.2.3',
      '01.2.3.4',
      '1::2::3',
    ])
      expect(isIpOrCidr(bad), bad).toBe(false);
    expect(
      allowlistError(Array.from({ length: 101 }, (_, i) => `10.0.0.${i % 255}`).join('\n')),
    ).toMatch(/at most 100/);
  });

  it('reports a bad entry as it is typed and sends the list when fixed', async () => {
    const { user, onCreate, dialog } = renderCreate();
    const box = within(dialog).getByLabelText(/IP allowlist/);
    await user.type(box, '203.0.113.0/24, 10.1.2.300');
    expect(
      within(dialog).getByText(/“10.1.2.300” is not an IPv4\/IPv6 address/),
    ).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText(/^Name/), 'Office');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(onCreate).not.toHaveBeenCalled();
    await user.clear(box);
    await user.type(box, '203.0.113.0/24\n2001:db8::/32');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(onCreate).toHaveBeenCalledTimes(1));
    expect(onCreate.mock.calls[0]?.[0].allowedIps).toEqual(['203.0.113.0/24', '2001:db8::/32']);
  });
});

describe('roll dialog', () => {
  it('defaults to 24 hours and sends the chosen overlap', async () => {
    const onRoll = vi.fn(async (_s: number) => {});
    const user = userEvent.setup();
    render(<RollKeyDialog apiKey={key({})} onRoll={onRoll} onCancel={() => {}} />);
    const dialog = screen.getByRole('dialog', { name: 'Roll “Root”?' });
    expect(within(dialog).getByRole('radio', { name: 'In 24 hours' })).toBeChecked();
    await user.click(within(dialog).getByRole('radio', { name: 'In 7 days' }));
    await user.click(within(dialog).getByRole('button', { name: 'Roll key' }));
    await waitFor(() => expect(onRoll).toHaveBeenCalledWith(604_800));
  });
});

describe('revoke with descendants', () => {
  const root = key({ id: 'key_root', name: 'Root' });
  const minted = key({
    id: 'key_minted',
    name: 'Minted',
    createdBy: { type: 'api_key', id: 'key_root' },
  });
  const grandchild = key({
    id: 'key_grand',
    name: 'Grandchild',
    createdBy: { type: 'api_key', id: 'key_minted' },
  });
  const rolled = key({ id: 'key_rolled', name: 'Rolled', rolledFromId: 'key_root' });
  const revoked = key({
    id: 'key_dead',
    name: 'Dead',
    status: 'revoked',
    createdBy: { type: 'api_key', id: 'key_root' },
  });
  const other = key({ id: 'key_other', name: 'Other' });
  const all = [root, minted, grandchild, rolled, revoked, other];

  it('walks minted and rolled-to keys transitively, active ones only', () => {
    expect(
      descendantsOf({ ...root, rolledToId: 'key_rolled' }, all)
        .map((k) => k.id)
        .sort(),
    ).toEqual(['key_grand', 'key_minted', 'key_rolled']);
  });

  it('lists them checked and revokes with cascade; unchecked revokes only the key', async () => {
    const onRevoke = vi.fn(async (_c: boolean) => {});
    const user = userEvent.setup();
    const descendants = descendantsOf(root, all);
    const { unmount } = render(
      <RevokeKeyDialog
        apiKey={root}
        descendants={descendants}
        onRevoke={onRevoke}
        onCancel={() => {}}
      />,
    );
    const dialog = screen.getByRole('alertdialog');
    expect(within(dialog).getByText('Minted')).toBeInTheDocument();
    expect(within(dialog).getByText('Grandchild')).toBeInTheDocument();
    const box = within(dialog).getByRole('checkbox', { name: /Also revoke these/ });
    expect(box).toBeChecked();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke 4 keys' }));
    await waitFor(() => expect(onRevoke).toHaveBeenLastCalledWith(true));
    unmount();
    render(
      <RevokeKeyDialog
        apiKey={root}
        descendants={descendants}
        onRevoke={onRevoke}
        onCancel={() => {}}
      />,
    );
    const again = screen.getByRole('alertdialog');
    await user.click(within(again).getByRole('checkbox', { name: /Also revoke these/ }));
    await user.click(within(again).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(onRevoke).toHaveBeenLastCalledWith(false));
  });
});

describe('security log', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says the log is not available when the server answers 404', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        const path = url.split('?')[0];
        if (path === '/api/v1/user/api-keys')
          return new Response(JSON.stringify({ data: [], nextCursor: null }), { status: 200 });
        return new Response(
          JSON.stringify({ status: 404, code: 'not_found', detail: 'Not found.' }),
          {
            status: 404,
          },
        );
      }),
    );
    render(
      <MemoryRouter>
        <ToastProvider>
          <DataProvider>
            <SecurityLogPage />
          </DataProvider>
        </ToastProvider>
      </MemoryRouter>,
    );
    expect(await screen.findByText('The security log is not available yet')).toBeInTheDocument();
  });

  it('lists events and filters by action', async () => {
    const fetch = vi.fn(async (url: string) => {
      const path = url.split('?')[0];
      if (path === '/api/v1/user/api-keys')
        return new Response(JSON.stringify({ data: [key({})], nextCursor: null }), { status: 200 });
      const event = {
        id: 'aud_1',
        action: 'api_key.revoked',
        actor: { type: 'user', id: 'usr_1' },
        target: { type: 'api_key', id: 'key_1' },
        businessId: null,
        ip: '203.0.113.9',
        userAgent: null,
        at: AT,
        details: {},
      };
      return new Response(JSON.stringify({ data: [event], nextCursor: null }), { status: 200 });
    });
    vi.stubGlobal('fetch', fetch);
    const user = userEvent.setup();
    render(
      <MemoryRouter>
        <ToastProvider>
          <DataProvider>
            <SecurityLogPage />
          </DataProvider>
        </ToastProvider>
      </MemoryRouter>,
    );
    expect(await screen.findByText('203.0.113.9')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Action'), 'api_key.revoked');
    await waitFor(() =>
      expect(fetch.mock.calls.some(([u]) => String(u).includes('action=api_key.revoked'))).toBe(
        true,
      ),
    );
  });
});
