import type { ApiKey, Business, KeyStatus } from '../../api/types';
import { formatDate, formatDateTime, formatRelative, keyHint } from '../../lib/format';
import { Badge, type Tone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { type Column, Table } from '../../ui/Table';

const STATUS: Record<KeyStatus, { label: string; tone: Tone }> = {
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
}: {
  keys: ApiKey[];
  /** Null while the businesses load. */
  businesses: Business[] | null;
  loading: boolean;
  onRevoke: (key: ApiKey) => void;
}) {
  const names = businesses && new Map(businesses.map((b) => [b.id, b.name]));
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
          </div>
          <code className="hint" title="The key's first 12 and last 4 characters">
            {keyHint(key)}
          </code>
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
      key: 'um',
      header: 'User mgmt',
      label: 'User management',
      cell: (key) => (key.userManagement ? 'On' : 'Off'),
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
        key.status === 'revoked' && key.revokedReason === 'leaked' ? (
          <Badge tone="danger" title="A secret scanner found this key in public; it was revoked.">
            Revoked — leaked
          </Badge>
        ) : (
          <Badge tone={STATUS[key.status].tone}>{STATUS[key.status].label}</Badge>
        ),
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      label: '',
      className: 'col-actions',
      cell: (key) =>
        key.status === 'revoked' ? null : (
          <Button
            size="sm"
            variant="ghost"
            className="btn-danger-text"
            onClick={() => onRevoke(key)}
            aria-label={`Revoke ${key.name}`}
          >
            Revoke
          </Button>
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
