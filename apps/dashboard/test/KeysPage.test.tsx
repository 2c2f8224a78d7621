import type { ApiKey, Business } from '@iqra/sdk';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeysPage } from '../src/features/keys/KeysPage';
import { DataProvider } from '../src/state/data';
import { ToastProvider } from '../src/ui/Toast';

const SECRET = 'iqra_sk_4f9QeLw1ZkP0x7sVbN2cT8yRu3mJh6Ad0Kx2aB';
const AT = '2026-11-28T10:00:00.000Z';

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
    name: 'Old key',
    prefix: 'iqra_sk_Ab12',
    lastFour: 'zZ99',
    businessScope: { type: 'unrestricted' },
    userManagement: false,
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

/** A small in-memory API behind `fetch`, counting requests. */
function fakeApi(keys: ApiKey[]) {
  const calls: string[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = url.split('?')[0];
    calls.push(`${method} ${path}`);
    if (method === 'GET' && path === '/api/v1/businesses') {
      return json(200, { data: [DENTAL], nextCursor: null });
    }
    if (method === 'GET' && path === '/api/v1/user/api-keys') {
      return json(200, { data: keys, nextCursor: null });
    }
    if (method === 'POST' && path === '/api/v1/user/api-keys') {
      const body = JSON.parse(String(init?.body)) as Pick<ApiKey, 'name' | 'businessScope'>;
      const created = key({
        id: 'key_new',
        name: body.name,
        businessScope: body.businessScope,
        prefix: SECRET.slice(0, 12),
        lastFour: SECRET.slice(-4),
      });
      return json(201, { ...created, key: SECRET });
    }
    if (method === 'DELETE' && path?.startsWith('/api/v1/user/api-keys/')) {
      const id = path.split('/').pop();
      const found = keys.find((k) => k.id === id) ?? key({ id, name: 'Zapier' });
      return json(200, { ...found, status: 'revoked', revokedAt: AT });
    }
    return json(404, { code: 'not_found', detail: 'Not found.' });
  });
  return { fetch, calls };
}

function renderPage() {
  return render(
    <MemoryRouter>
      <ToastProvider>
        <DataProvider>
          <KeysPage />
        </DataProvider>
      </ToastProvider>
    </MemoryRouter>,
  );
}

beforeEach(() => {
  localStorage.clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('API keys tab', () => {
  it('says what to do when there are no keys', async () => {
    vi.stubGlobal('fetch', fakeApi([]).fetch);
    renderPage();
    expect(await screen.findByRole('heading', { name: 'No API keys yet' })).toBeInTheDocument();
  });

  it('lists keys with hint, scope, user management badge, "Never" and status', async () => {
    vi.stubGlobal(
      'fetch',
      fakeApi([
        key({ id: 'key_a', name: 'Admin', userManagement: true }),
        key({
          id: 'key_b',
          name: 'Clinic bot',
          businessScope: { type: 'restricted', businessIds: ['biz_dental', 'biz_gone'] },
          status: 'revoked',
        }),
      ]).fetch,
    );
    renderPage();
    const admin = await screen.findByRole('row', { name: /Admin/ });
    expect(within(admin).getByText('User management')).toBeInTheDocument();
    expect(within(admin).getByText('iqra_sk_Ab12…zZ99')).toBeInTheDocument();
    expect(within(admin).getByText('All businesses')).toBeInTheDocument();
    expect(within(admin).getAllByText('Never')).toHaveLength(2); // last used, expires
    const bot = screen.getByRole('row', { name: /Clinic bot/ });
    await waitFor(() =>
      expect(within(bot).getByText('Dental Clinic, Deleted business')).toBeInTheDocument(),
    );
    expect(within(bot).getByText('Revoked')).toBeInTheDocument();
    expect(bot).toHaveClass('row-muted');
    expect(within(bot).queryByRole('button', { name: /Revoke/ })).toBeNull();
  });

  it('filters by status and searches by name without asking the server again', async () => {
    const api = fakeApi([
      key({ id: 'key_a', name: 'Zapier' }),
      key({ id: 'key_b', name: 'Make.com', status: 'revoked' }),
    ]);
    vi.stubGlobal('fetch', api.fetch);
    const user = userEvent.setup();
    renderPage();
    await screen.findByRole('row', { name: /Zapier/ });
    const before = api.calls.length;
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'revoked');
    expect(screen.queryByRole('row', { name: /Zapier/ })).toBeNull();
    expect(screen.getByRole('row', { name: /Make\.com/ })).toBeInTheDocument();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'all');
    await user.type(screen.getByRole('searchbox', { name: 'Search keys by name' }), 'zap');
    expect(screen.getByRole('row', { name: /Zapier/ })).toBeInTheDocument();
    expect(screen.queryByRole('row', { name: /Make\.com/ })).toBeNull();
    await user.type(screen.getByRole('searchbox', { name: 'Search keys by name' }), 'nothing');
    expect(screen.getByRole('heading', { name: 'No keys match' })).toBeInTheDocument();
    expect(api.calls.length).toBe(before);
  });

  it('shows a new key once, then forgets it; revoking updates the row at once', async () => {
    const api = fakeApi([]);
    vi.stubGlobal('fetch', api.fetch);
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: vi.fn(async () => {}) },
      configurable: true,
    });
    const user = userEvent.setup();
    renderPage();
    await screen.findByRole('heading', { name: 'No API keys yet' });

    await user.click(screen.getAllByRole('button', { name: 'Add API Key' })[0] as HTMLElement);
    const dialog = await screen.findByRole('dialog', { name: 'Add API key' });
    await waitFor(() =>
      expect(within(dialog).getByRole('checkbox', { name: 'Dental Clinic' })).toBeChecked(),
    );
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Zapier');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

    const reveal = await screen.findByRole('alertdialog', { name: 'Save your API key' });
    expect(within(reveal).getByRole('textbox', { name: 'API key' })).toHaveValue(SECRET);
    await user.click(within(reveal).getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(JSON.stringify({ ...localStorage })).not.toContain(SECRET);

    const row = screen.getByRole('row', { name: /Zapier/ });
    expect(within(row).getByText('Dental Clinic')).toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: 'Revoke Zapier' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Revoke “Zapier”?' });
    expect(within(confirm).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(confirm).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(within(row).getByText('Revoked')).toBeInTheDocument());

    // One list of each, the key policy for the expiry choice, then only the two writes.
    expect(api.calls).toEqual([
      'GET /api/v1/user/api-keys',
      'GET /api/v1/businesses',
      'GET /api/v1/user/key-policy',
      'POST /api/v1/user/api-keys',
      'DELETE /api/v1/user/api-keys/key_new',
    ]);
  });
});
