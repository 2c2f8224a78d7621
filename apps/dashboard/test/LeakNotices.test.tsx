import type { ApiKey, Notice } from '@iqra/sdk';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeysTable } from '../src/features/keys/KeysTable';
import { LeakNotices } from '../src/features/notices/LeakNotices';

const AT = '2026-11-28T10:00:00.000Z';
const URL_FOUND = 'https://github.com/acme/app/blob/abc/config.js';

function key(patch: Partial<ApiKey>): ApiKey {
  return {
    id: 'key_leaked',
    name: 'CI deploy',
    prefix: 'iqra_sk_Ab12',
    lastFour: 'zZ99',
    businessScope: { type: 'unrestricted' },
    userManagement: false,
    status: 'revoked',
    revokedReason: 'leaked',
    createdAt: AT,
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: AT,
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
    createdBy: { type: 'user', id: 'usr_1' },
    rolledFromId: null,
    rolledToId: null,
    ...patch,
  };
}

function fakeApi(notices: Notice[]) {
  const calls: string[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = url.split('?')[0] ?? '';
    calls.push(`${method} ${path}`);
    if (method === 'GET' && path === '/api/v1/user/notices') {
      return json(200, { data: notices, nextCursor: null });
    }
    if (method === 'GET' && path === '/api/v1/user/api-keys/key_leaked') return json(200, key({}));
    const dismiss = path.match(/^\/api\/v1\/user\/notices\/(ntc_\w+)\/dismiss$/);
    if (method === 'POST' && dismiss) {
      const found = notices.find((n) => n.id === dismiss[1]);
      return found
        ? json(200, { ...found, dismissedAt: AT })
        : json(404, { code: 'not_found', detail: 'Not found.' });
    }
    return json(404, { code: 'not_found', detail: 'Not found.' });
  });
  return { fetch, calls };
}

const notice = (patch: Partial<Notice> = {}): Notice => ({
  id: 'ntc_1',
  kind: 'api_key_leaked',
  keyId: 'key_leaked',
  url: URL_FOUND,
  at: AT,
  dismissedAt: null,
  ...patch,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('leak notices', () => {
  it('shows a red banner naming the key, where it was found and when; Dismiss removes it', async () => {
    const api = fakeApi([notice(), notice({ id: 'ntc_old', dismissedAt: AT })]);
    vi.stubGlobal('fetch', api.fetch);
    render(<LeakNotices />);
    const banner = await screen.findByRole('alert');
    expect(banner).toHaveClass('callout-danger');
    await waitFor(() =>
      expect(banner).toHaveTextContent(
        /A key was found in public and has been revoked: CI deploy, found at https:\/\/github\.com\/acme\/app\/blob\/abc\/config\.js, /,
      ),
    );
    expect(within(banner).getByRole('link', { name: URL_FOUND })).toHaveAttribute(
      'href',
      URL_FOUND,
    );
    expect(screen.getAllByRole('alert')).toHaveLength(1); // the dismissed one stays hidden

    await userEvent.click(within(banner).getByRole('button', { name: /Dismiss/ }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(api.calls).toContain('POST /api/v1/user/notices/ntc_1/dismiss');
  });

  it('shows nothing when there is no undismissed notice', async () => {
    const api = fakeApi([notice({ dismissedAt: AT })]);
    vi.stubGlobal('fetch', api.fetch);
    render(<LeakNotices />);
    await waitFor(() => expect(api.calls).toContain('GET /api/v1/user/notices'));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('the keys table', () => {
  it('shows a leaked key as "Revoked — leaked" in red, a manual revoke as "Revoked"', () => {
    render(
      <KeysTable
        keys={[key({}), key({ id: 'key_manual', name: 'Old', revokedReason: 'manual' })]}
        businesses={[]}
        loading={false}
        onRevoke={() => {}}
      />,
    );
    const leaked = screen.getByRole('row', { name: /CI deploy/ });
    const badge = within(leaked).getByText('Revoked — leaked');
    expect(badge).toHaveClass('badge-danger');
    const manual = screen.getByRole('row', { name: /Old/ });
    expect(within(manual).getByText('Revoked')).toBeInTheDocument();
    expect(within(manual).queryByText('Revoked — leaked')).toBeNull();
  });
});
