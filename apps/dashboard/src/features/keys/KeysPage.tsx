import type { ApiKey, ApiKeyCreate, ApiKeyStatus } from '@iqra/sdk';
import { useEffect, useId, useMemo, useState } from 'react';
import { api } from '../../api/endpoints';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { useData } from '../../state/data';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { EmptyState } from '../../ui/EmptyState';
import { Icon } from '../../ui/Icon';
import { useToast } from '../../ui/Toast';
import { descendantsOf } from './access';
import { CreateKeyDialog } from './CreateKeyDialog';
import { KeyDetailDialog } from './KeyDetailDialog';
import { KeysTable } from './KeysTable';
import { RevokeKeyDialog } from './RevokeKeyDialog';
import { RollKeyDialog } from './RollKeyDialog';
import { ShownOnceDialog } from './ShownOnceDialog';

type StatusFilter = 'all' | ApiKeyStatus;

/** The secret of the key just created: held here only while its dialog is open. */
interface Reveal {
  secret: string;
  name: string;
}

export function KeysPage() {
  usePageTitle('API keys');
  const { keys, businesses, currentBusiness } = useData();
  const notify = useToast();
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [creating, setCreating] = useState(false);
  const [reveal, setReveal] = useState<Reveal | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [rolling, setRolling] = useState<ApiKey | null>(null);
  const [open, setOpen] = useState<ApiKey | null>(null);
  const [maxLifetimeDays, setMaxLifetimeDays] = useState<number | null>(null);
  const searchId = useId();
  const statusId = useId();

  useEffect(() => {
    keys.ensure();
    businesses.ensure();
  }, [keys.ensure, businesses.ensure]);

  useEffect(() => {
    if (!creating) return;
    let live = true;
    // The policy only shapes the expiry choice: without it (an older server) there is no maximum.
    api.keyPolicy().then(
      (policy) => live && setMaxLifetimeDays(policy.maxLifetimeDays),
      () => live && setMaxLifetimeDays(null),
    );
    return () => {
      live = false;
    };
  }, [creating]);

  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return keys.items.filter(
      (key) =>
        (status === 'all' || key.status === status) &&
        (needle === '' || key.name.toLowerCase().includes(needle)),
    );
  }, [keys.items, query, status]);

  async function create(body: ApiKeyCreate) {
    const { key: secret, ...view } = await api.createKey(body);
    keys.upsert(view);
    setCreating(false);
    setReveal({ secret, name: view.name });
  }

  function closeReveal() {
    // React keeps the previous state in a second buffer until the next render; both buffers point
    // at this one object, so blanking it leaves no copy of the secret behind in any of them.
    if (reveal) reveal.secret = '';
    setReveal(null);
  }

  async function createBusiness(name: string) {
    const business = await api.createBusiness({ name });
    businesses.upsert(business);
    notify(`Business “${business.name}” created.`);
    return business;
  }

  async function revoke(key: ApiKey, cascade: boolean) {
    const { cascaded, ...revoked } = await api.revokeKey(key.id, cascade);
    keys.upsert(revoked);
    setRevoking(null);
    const others = (cascaded ?? []).filter((id) => id !== key.id).length;
    if (others > 0) keys.reload();
    notify(
      others > 0
        ? `“${key.name}” and ${others} key${others === 1 ? '' : 's'} it created revoked.`
        : `“${key.name}” revoked. Requests with it now get 401.`,
    );
  }

  async function roll(key: ApiKey, overlapSeconds: number) {
    const { key: secret, ...view } = await api.rollKey(key.id, { overlapSeconds });
    keys.upsert(view);
    keys.upsert({ ...key, rolledToId: view.id });
    setRolling(null);
    setReveal({ secret, name: view.name });
    keys.reload();
  }

  const loading = keys.status === 'idle' || keys.status === 'loading';
  const empty = keys.status === 'ready' && keys.items.length === 0;
  const filtered = query.trim() !== '' || status !== 'all';
  const activeCount = keys.items.filter((key) => key.status === 'active').length;

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let scripts and integrations call the API with{' '}
            <code className="code">Authorization: Token …</code>. Restrict each one to the
            businesses it needs.
          </>
        }
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            Add API Key
          </Button>
        }
      />

      {keys.status === 'error' && keys.items.length === 0 ? (
        <div className="card">
          <Callout tone="danger" title="Your API keys did not load" role="alert">
            {keys.error?.detail}{' '}
            <Button size="sm" onClick={keys.reload}>
              Try again
            </Button>
          </Callout>
        </div>
      ) : empty ? (
        <div className="card">
          <EmptyState
            icon="key"
            title="No API keys yet"
            action={
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                Add API Key
              </Button>
            }
          >
            Create one key per integration, restricted to the businesses it needs. You see a key
            once, when it is created; after that only its hint.
          </EmptyState>
        </div>
      ) : (
        <div className="card card-flush">
          <div className="toolbar">
            <div className="search">
              <label htmlFor={searchId} className="visually-hidden">
                Search keys by name
              </label>
              <Icon name="search" size={16} />
              <input
                id={searchId}
                type="search"
                className="input search-input"
                placeholder="Search by name"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
              />
            </div>
            <div className="toolbar-filter">
              <label htmlFor={statusId} className="visually-hidden">
                Status
              </label>
              <select
                id={statusId}
                className="input select"
                value={status}
                onChange={(event) => setStatus(event.target.value as StatusFilter)}
              >
                <option value="all">All statuses</option>
                <option value="active">Active</option>
                <option value="revoked">Revoked</option>
                <option value="expired">Expired</option>
              </select>
            </div>
            <p className="toolbar-count" aria-live="polite">
              {loading ? '' : `${activeCount} active · ${keys.items.length} total`}
            </p>
          </div>
          {filtered && visible.length === 0 && !loading ? (
            <EmptyState
              icon="search"
              title="No keys match"
              action={
                <Button
                  onClick={() => {
                    setQuery('');
                    setStatus('all');
                  }}
                >
                  Clear filters
                </Button>
              }
            >
              Nothing {status === 'all' ? '' : `${status} `}matches
              {query.trim() ? ` “${query.trim()}”` : ' this filter'}.
            </EmptyState>
          ) : (
            <KeysTable
              keys={visible}
              businesses={businesses.status === 'ready' ? businesses.items : null}
              loading={loading}
              onRevoke={setRevoking}
              onRoll={setRolling}
              onOpen={setOpen}
              allKeys={keys.items}
            />
          )}
          {keys.error && keys.items.length > 0 && (
            <div className="card-footer">
              <Callout tone="danger" role="alert">
                {keys.error.detail}
              </Callout>
            </div>
          )}
          {keys.nextCursor && (
            <div className="card-footer">
              <Button onClick={keys.loadMore} loading={keys.loadingMore}>
                Load more keys
              </Button>
            </div>
          )}
        </div>
      )}

      {creating && (
        <CreateKeyDialog
          businesses={businesses.items}
          businessesStatus={businesses.status}
          currentBusinessId={currentBusiness?.id ?? null}
          onCreate={create}
          onCreateBusiness={createBusiness}
          onCancel={() => setCreating(false)}
          maxLifetimeDays={maxLifetimeDays}
        />
      )}
      {reveal && (
        <ShownOnceDialog secret={reveal.secret} keyName={reveal.name} onDone={closeReveal} />
      )}
      {revoking && (
        <RevokeKeyDialog
          apiKey={revoking}
          descendants={descendantsOf(revoking, keys.items)}
          onRevoke={(cascade) => revoke(revoking, cascade)}
          onCancel={() => setRevoking(null)}
        />
      )}
      {rolling && (
        <RollKeyDialog
          apiKey={rolling}
          onRoll={(overlap) => roll(rolling, overlap)}
          onCancel={() => setRolling(null)}
        />
      )}
      {open && (
        <KeyDetailDialog
          apiKey={keys.items.find((k) => k.id === open.id) ?? open}
          keys={keys.items}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
}
