import type { Business } from '@iqra/sdk';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BusinessesPage } from '../src/features/businesses/BusinessesPage';
import { BusinessSwitcher } from '../src/layout/BusinessSwitcher';
import { DataProvider } from '../src/state/data';
import { ToastProvider } from '../src/ui/Toast';

const AT = '2026-11-28T10:00:00.000Z';

function business(id: string, name: string): Business {
  return {
    id,
    name,
    defaultLanguage: 'en',
    timezone: 'UTC',
    disabled: false,
    createdAt: AT,
    updatedAt: AT,
  };
}

function fakeApi(initial: Business[]) {
  const rows = [...initial];
  const writes: { method: string; path: string; body: unknown }[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = url.split('?')[0] ?? '';
    if (method === 'GET') return json(200, { data: rows, nextCursor: null });
    const body = JSON.parse(String(init?.body)) as Partial<Business>;
    writes.push({ method, path, body });
    if (method === 'POST') {
      const created = business(`biz_${rows.length + 1}`, String(body.name));
      rows.unshift(created);
      return json(201, created);
    }
    const id = path.split('/').pop();
    const index = rows.findIndex((b) => b.id === id);
    const updated = { ...rows[index], ...body } as Business;
    rows[index] = updated;
    return json(200, updated);
  });
  return { fetch, writes };
}

function renderPage() {
  return render(
    <MemoryRouter>
      <ToastProvider>
        <DataProvider>
          <BusinessSwitcher />
          <BusinessesPage />
        </DataProvider>
      </ToastProvider>
    </MemoryRouter>,
  );
}

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('Businesses', () => {
  it('says what to do when there are none, and creates the first one as current', async () => {
    const api = fakeApi([]);
    vi.stubGlobal('fetch', api.fetch);
    const user = userEvent.setup();
    renderPage();
    await screen.findByRole('heading', { name: 'No businesses yet' });
    await user.click(screen.getAllByRole('button', { name: 'New business' })[0] as HTMLElement);
    const dialog = screen.getByRole('dialog', { name: 'New business' });
    await user.click(within(dialog).getByRole('button', { name: 'Create business' }));
    expect(within(dialog).getByText('Enter a name for the business.')).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Dental Clinic');
    await user.click(within(dialog).getByRole('button', { name: 'Create business' }));
    const row = await screen.findByRole('row', { name: /Dental Clinic/ });
    expect(within(row).getByText('Current')).toBeInTheDocument();
    expect(api.writes[0]).toMatchObject({ method: 'POST', body: { name: 'Dental Clinic' } });
    expect(screen.getByRole('combobox', { name: 'Current business' })).toHaveValue('biz_1');
  });

  it('renames, disables after confirming, and enables again with PATCH', async () => {
    const api = fakeApi([business('biz_a', 'Dental Clinic'), business('biz_b', 'Bakery')]);
    vi.stubGlobal('fetch', api.fetch);
    const user = userEvent.setup();
    renderPage();
    await screen.findByRole('row', { name: /Dental Clinic/ });

    await user.click(screen.getByRole('button', { name: 'Rename Dental Clinic' }));
    const rename = screen.getByRole('dialog', { name: 'Rename business' });
    const name = within(rename).getByRole('textbox', { name: 'Name' });
    await user.clear(name);
    await user.type(name, 'Smile Dental{Enter}');
    await screen.findByRole('row', { name: /Smile Dental/ });
    expect(screen.getByRole('option', { name: 'Smile Dental' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Disable Bakery' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Disable “Bakery”?' });
    await user.click(within(confirm).getByRole('button', { name: 'Disable business' }));
    const bakery = screen.getByRole('row', { name: /Bakery/ });
    await waitFor(() => expect(within(bakery).getByText('Disabled')).toBeInTheDocument());
    expect(bakery).toHaveClass('row-muted');

    await user.click(within(bakery).getByRole('button', { name: 'Enable Bakery' }));
    await waitFor(() => expect(within(bakery).getByText('Active')).toBeInTheDocument());

    expect(api.writes).toEqual([
      { method: 'PATCH', path: '/api/v1/businesses/biz_a', body: { name: 'Smile Dental' } },
      { method: 'PATCH', path: '/api/v1/businesses/biz_b', body: { disabled: true } },
      { method: 'PATCH', path: '/api/v1/businesses/biz_b', body: { disabled: false } },
    ]);
    expect(
      api.fetch.mock.calls.filter(([, init]) => (init?.method ?? 'GET') === 'GET'),
    ).toHaveLength(1);
  });

  it('switches the current business and remembers it', async () => {
    vi.stubGlobal(
      'fetch',
      fakeApi([business('biz_a', 'Dental'), business('biz_b', 'Bakery')]).fetch,
    );
    const user = userEvent.setup();
    renderPage();
    const switcher = await screen.findByRole('combobox', { name: 'Current business' });
    expect(switcher).toHaveValue('biz_a');
    await user.selectOptions(switcher, 'biz_b');
    const bakery = screen.getByRole('row', { name: /Bakery/ });
    expect(within(bakery).getByText('Current')).toBeInTheDocument();
    expect(localStorage.getItem('iqra.business')).toBe('biz_b');
  });
});
