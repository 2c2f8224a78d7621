import type { Business, WebhookEndpoint } from '@iqra/sdk';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_EVENTS } from '../src/api/constants';
import { EventsPage } from '../src/features/webhooks/EventsPage';
import { WebhooksPage } from '../src/features/webhooks/WebhooksPage';
import { BusinessDataProvider } from '../src/state/business';
import { ToastProvider } from '../src/ui/Toast';

const AT = '2026-11-28T10:00:00.000Z';
const NEW_SECRET = 'whsec_bmV3IHNlY3JldCBzaG93biBvbmNlIGFuZCBvbmx5IG9uY2U=';

const DENTAL: Business = {
  id: 'biz_dental',
  name: 'Dental Clinic',
  defaultLanguage: 'en',
  timezone: 'UTC',
  disabled: false,
  createdAt: AT,
  updatedAt: AT,
};

const ENDPOINT: WebhookEndpoint = {
  id: 'whk_1',
  url: 'https://example.com/hooks',
  events: [...WEBHOOK_EVENTS],
  description: null,
  enabled: true,
  previousSecretExpiresAt: null,
  createdAt: AT,
};

/** The webhook routes of one business behind `fetch`, recording every request. */
function fakeApi() {
  let endpoint = { ...ENDPOINT };
  const requests: { method: string; path: string; body: unknown }[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = url.split('?')[0] ?? '';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method, path, body });
    const base = `/api/v1/businesses/${DENTAL.id}/webhooks`;
    if (method === 'GET' && path === base) return json(200, { data: [endpoint], nextCursor: null });
    if (method === 'GET' && path === `/api/v1/businesses/${DENTAL.id}/events`) {
      const type = new URL(url, 'http://x').searchParams.get('type');
      const all = [
        { id: 'evt_2', type: 'webhook.test', data: { webhookId: 'whk_1' }, createdAt: AT },
        { id: 'evt_1', type: 'call.queued', data: { id: 'call_1' }, createdAt: AT },
      ];
      return json(200, { data: all.filter((e) => !type || e.type === type), nextCursor: null });
    }
    if (method === 'PATCH' && path === `${base}/whk_1`) {
      endpoint = { ...endpoint, ...body };
      return json(200, endpoint);
    }
    if (method === 'POST' && path === `${base}/whk_1/rotate-secret`) {
      endpoint = { ...endpoint, previousSecretExpiresAt: '2026-11-29T10:00:00.000Z' };
      return json(200, { ...endpoint, secret: NEW_SECRET });
    }
    if (method === 'POST' && path === `${base}/whk_1/test`) {
      return json(202, { id: 'evt_1', eventId: 'evt_1', eventType: 'webhook.test' });
    }
    return json(404, { code: 'not_found', detail: 'Not found.' });
  });
  return { fetch, requests };
}

function renderPage(page = <WebhooksPage />) {
  return render(
    <MemoryRouter>
      <ToastProvider>
        <BusinessDataProvider business={DENTAL}>{page}</BusinessDataProvider>
      </ToastProvider>
    </MemoryRouter>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('webhooks page actions', () => {
  it('disables with the switch, sends a test, and edits the URL', async () => {
    const api = fakeApi();
    vi.stubGlobal('fetch', api.fetch);
    const user = userEvent.setup();
    renderPage();
    const toggle = await screen.findByRole('switch', { name: /Enabled/ });
    expect(toggle).toBeChecked();
    await user.click(toggle);
    await waitFor(() => expect(toggle).not.toBeChecked());
    expect(api.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ enabled: false });
    // Disabled: no test event can be sent.
    const test = screen.getByRole('button', { name: /Send a test event/ });
    expect(test).toBeDisabled();
    await user.click(toggle);
    await waitFor(() => expect(test).toBeEnabled());
    await user.click(test);
    expect(await screen.findByText(/Test event sent/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: `Edit ${ENDPOINT.url}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit endpoint' });
    const url = within(dialog).getByLabelText(/URL/);
    expect(url).toHaveValue(ENDPOINT.url);
    await user.clear(url);
    await user.type(url, 'https://example.com/v2');
    await user.click(within(dialog).getByRole('checkbox', { name: 'call.queued' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save endpoint' }));
    await screen.findByRole('link', { name: 'https://example.com/v2' });
    const saved = api.requests.filter((r) => r.method === 'PATCH').at(-1)?.body as {
      url: string;
      events: string[];
    };
    expect(saved.url).toBe('https://example.com/v2');
    expect(saved.events).not.toContain('call.queued');
  });

  it('rotates the secret after a confirmation and shows the new one once', async () => {
    const api = fakeApi();
    vi.stubGlobal('fetch', api.fetch);
    const user = userEvent.setup();
    renderPage();
    await user.click(await screen.findByRole('button', { name: /Rotate the secret/ }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Rotate the signing secret?' });
    expect(api.requests.some((r) => r.path.endsWith('/rotate-secret'))).toBe(false);
    await user.click(within(confirm).getByRole('button', { name: 'Rotate secret' }));
    const shown = await screen.findByRole('alertdialog', { name: 'Save the new signing secret' });
    expect(within(shown).getByText(/24 hours/)).toBeInTheDocument();
    expect(within(shown).getByRole('textbox', { name: 'Signing secret' })).toHaveValue(NEW_SECRET);
  });

  it('the event log lists events with their data and filters by type', async () => {
    const api = fakeApi();
    vi.stubGlobal('fetch', api.fetch);
    const user = userEvent.setup();
    renderPage(<EventsPage />);
    await screen.findByRole('row', { name: /call\.queued/ });
    expect(screen.getAllByRole('row')).toHaveLength(3);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'webhook.test');
    await waitFor(() => expect(screen.queryByRole('row', { name: /call\.queued/ })).toBeNull());
    expect(screen.getByRole('row', { name: /webhook\.test/ })).toBeInTheDocument();
    expect(api.fetch.mock.calls.at(-1)?.[0]).toContain('type=webhook.test');
  });
});
