import type { ApiKey, ApiKeyStatus, Business } from '@iqra/sdk';
import { formatDate, formatDateTime, formatRelative, keyHint } from '../../lib/format';
import { Badge, type Tone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { type Column, Table } from '../../ui/Table';
import { permissionsSummary } from './access';

const REASONS: Record<NonNullable<ApiKey['revokedReason']>, string> = {
  manual: 'Revoked',
  cascade: 'Revoked — with the key that made it',
  leaked: 'Revoked — leaked',
  scope_empty: 'Revoked — its businesses were deleted',
};

/** "Revoked — leaked" and the other reasons a key was revoked, for the table and the panel. */
export function RevokedReason({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.status !== 'revoked' || !apiKey.revokedReason) return null;
  const reason = apiKey.revokedReason;
  if (reason === 'leaked') {
    return (
      <Badge tone="danger" title="A secret scanner found this key in public; it was revoked.">
        {REASONS[reason]}
      </Badge>
    );
  }
  return <span className="muted">{REASONS[reason]}</span>;
}

const STATUS: Record<ApiKeyStatus, { label: string; tone: Tone }> = {
  active: { label: 'Active', tone: 'success' },
  revoked: { label: 'Revoked', tone: 'neutral' },
  expired: { label: 'Expired', tone: 'warning' },
};

/**
 * "All businesses", or the names of the businesses a restricted key reaches (a count until the
 * names have loaded, so nothing reads "Deleted business" by mistake).
 */
export function scopeLabel(key: ApiKey, names: Map<string, string> | null): string {
  if (key.businessScope.type === 'unrestricted') return 'All businesses';
  const ids = key.businessScope.businessIds;
  if (!names) return ids.length === 1 ? '1 business' : `${ids.length} businesses`;
  return ids.map((id) => names.get(id) ?? 'Deleted business').join(', ');
}

export function KeysTable({
  keys,
  businesses,
  loading,
  onRevoke,
  onRoll,
  onOpen,
  allKeys = keys,
}: {
  keys: ApiKey[];
  /** Null while the businesses load. */
  businesses: Business[] | null;
  loading: boolean;
  onRevoke: (key: ApiKey) => void;
  onRoll?: (key: ApiKey) => void;
  /** Opens the key's detail panel (usage, audit trail). */
  onOpen?: (key: ApiKey) => void;
  /** Every loaded key, to name the other end of a roll. */
  allKeys?: ApiKey[];
}) {
  const names = businesses && new Map(businesses.map((b) => [b.id, b.name]));
  const byId = new Map(allKeys.map((k) => [k.id, k]));
  const link = (id: string, prefix: string) => {
    const other = byId.get(id);
    return other && onOpen ? (
      <button type="button" className="link-button" onClick={() => onOpen(other)}>
        {prefix} {other.name} ({other.lastFour})
      </button>
    ) : (
      <span className="muted">
        {prefix} {other ? other.name : id}
      </span>
    );
  };
  const columns: Column<ApiKey>[] = [
    {
      key: 'name',
      header: 'Name and key',
      label: 'Name',
      className: 'col-name',
      cell: (key) => (
        <div className="cell-stack">
          <div className="key-name">
            <span className="key-name-text">{key.name}</span>
            {key.userManagement && (
              <Badge
                tone="warning"
                icon="shield"
                title="This key can manage your account, including its API keys."
              >
                User management
              </Badge>
            )}
            {key.allowedIps.length > 0 && (
              <Badge tone="neutral" icon="shield" title={key.allowedIps.join(', ')}>
                {key.allowedIps.length === 1 ? '1 IP range' : `${key.allowedIps.length} IP ranges`}
              </Badge>
            )}
          </div>
          <code className="hint" title="The key's first 12 and last 4 characters">
            {keyHint(key)}
          </code>
          {(key.rolledFromId || key.rolledToId) && (
            <div className="key-links">
              {key.rolledFromId && link(key.rolledFromId, 'Rolled from')}
              {key.rolledToId && link(key.rolledToId, 'Rolled to')}
            </div>
          )}
        </div>
      ),
    },
    {
      key: 'scope',
      header: 'Businesses',
      className: 'col-scope',
      cell: (key) =>
        key.businessScope.type === 'unrestricted' ? (
          <span className="muted-strong">All businesses</span>
        ) : (
          scopeLabel(key, names)
        ),
    },
    {
      key: 'permissions',
      header: 'Permissions',
      className: 'col-scope',
      cell: (key) => permissionsSummary(key.permissions),
    },
    {
      key: 'created',
      header: 'Created',
      cell: (key) => (
        <time dateTime={key.createdAt} title={formatDateTime(key.createdAt)} className="nowrap">
          {formatDate(key.createdAt)}
        </time>
      ),
    },
    {
      key: 'used',
      header: 'Last used',
      cell: (key) =>
        key.lastUsedAt ? (
          <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)} className="nowrap">
            {formatRelative(key.lastUsedAt)}
          </time>
        ) : (
          <span className="muted">Never</span>
        ),
    },
    {
      key: 'expires',
      header: 'Expires',
      cell: (key) =>
        key.expiresAt ? (
          <time dateTime={key.expiresAt} title={formatDateTime(key.expiresAt)} className="nowrap">
            {formatDate(key.expiresAt)}
          </time>
        ) : (
          <span className="muted">Never</span>
        ),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (key) =>
        key.status === 'revoked' && key.revokedReason && key.revokedReason !== 'manual' ? (
          <RevokedReason apiKey={key} />
        ) : (
          <Badge tone={STATUS[key.status].tone}>{STATUS[key.status].label}</Badge>
        ),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      label: '',
      className: 'col-actions',
      cell: (key) => (
        <div className="row-actions">
          {onOpen && (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onOpen(key)}
              aria-label={`Details of ${key.name}`}
            >
              Details
            </Button>
          )}
          {onRoll && key.status === 'active' && !key.rolledToId && (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onRoll(key)}
              aria-label={`Roll ${key.name}`}
            >
              Roll
            </Button>
          )}
          {key.status !== 'revoked' && (
            <Button
              size="sm"
              variant="ghost"
              className="btn-danger-text"
              onClick={() => onRevoke(key)}
              aria-label={`Revoke ${key.name}`}
            >
              Revoke
            </Button>
          )}
        </div>
      ),
    },
  ];

  return (
    <Table
      caption="API keys"
      columns={columns}
      rows={keys}
      rowKey={(key) => key.id}
      rowClassName={(key) => (key.status === 'revoked' ? 'row-muted' : undefined)}
      loading={loading}
    />
  );
}
