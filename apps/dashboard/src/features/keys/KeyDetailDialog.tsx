import type { ApiKey, ApiKeyUsageDay, AuditEvent } from '@iqra/sdk';
import { useEffect, useState } from 'react';
import { ApiProblem } from '../../api/client';
import { api } from '../../api/endpoints';
import { formatDateTime, formatRelative, keyHint } from '../../lib/format';
import { Dialog } from '../../ui/Dialog';
import { permissionsSummary } from './access';
import { RevokedReason } from './KeysTable';
import { KeyUsageChart } from './KeyUsageChart';

type Load<T> =
  | { state: 'loading' }
  | { state: 'ready'; value: T }
  | { state: 'error'; message: string };

/** Who made a key or did something: "you", a key by name, or the operator. */
export function actorLabel(
  actor: { type: string; id: string | null },
  keys: Map<string, ApiKey>,
): string {
  if (actor.type === 'user') return 'You (dashboard)';
  if (actor.type === 'api_key' && actor.id) {
    const key = keys.get(actor.id);
    return key ? `API key “${key.name}”` : `API key ${actor.id}`;
  }
  if (actor.type === 'operator') return 'The operator (CLI)';
  if (actor.type === 'secret_scanning') return 'Secret scanning';
  return 'The system';
}

/** One key: last use, maker, a 30-day requests/rejected chart and its audit trail. */
export function KeyDetailDialog({
  apiKey,
  keys,
  onClose,
}: {
  apiKey: ApiKey;
  keys: ApiKey[];
  onClose: () => void;
}) {
  const [usage, setUsage] = useState<Load<ApiKeyUsageDay[]>>({ state: 'loading' });
  const [trail, setTrail] = useState<Load<AuditEvent[] | null>>({ state: 'loading' });
  const byId = new Map(keys.map((k) => [k.id, k]));

  useEffect(() => {
    let live = true;
    setUsage({ state: 'loading' });
    setTrail({ state: 'loading' });
    api.keyUsage(apiKey.id, 30).then(
      (page) => live && setUsage({ state: 'ready', value: page.data }),
      (error: unknown) =>
        live &&
        setUsage({ state: 'error', message: error instanceof Error ? error.message : 'Failed.' }),
    );
    api.auditEvents({ targetId: apiKey.id }).then(
      (page) => live && setTrail({ state: 'ready', value: page.data }),
      (error: unknown) => {
        if (!live) return;
        // The audit log may not be served by this server yet: say so instead of failing.
        if (error instanceof ApiProblem && error.status === 404)
          setTrail({ state: 'ready', value: null });
        else
          setTrail({ state: 'error', message: error instanceof Error ? error.message : 'Failed.' });
      },
    );
    return () => {
      live = false;
    };
  }, [apiKey.id]);

  const totals =
    usage.state === 'ready'
      ? usage.value.reduce(
          (sum, d) => ({
            requests: sum.requests + d.requests,
            rejected: sum.rejected + d.rejected,
          }),
          { requests: 0, rejected: 0 },
        )
      : null;

  return (
    <Dialog title={apiKey.name} description={keyHint(apiKey)} onClose={onClose} size="lg">
      <div className="key-detail">
        <dl>
          <dt>Last used</dt>
          <dd>
            {apiKey.lastUsedAt ? (
              <time dateTime={apiKey.lastUsedAt} title={formatDateTime(apiKey.lastUsedAt)}>
                {formatRelative(apiKey.lastUsedAt)}
              </time>
            ) : (
              'Never'
            )}
          </dd>
          <dt>Created by</dt>
          <dd>
            {actorLabel(apiKey.createdBy, byId)} · {formatDateTime(apiKey.createdAt)}
          </dd>
          <dt>Permissions</dt>
          <dd>{permissionsSummary(apiKey.permissions)}</dd>
          <dt>IP allowlist</dt>
          <dd>{apiKey.allowedIps.length > 0 ? apiKey.allowedIps.join(', ') : 'Any address'}</dd>
          <dt>Rate limit</dt>
          <dd>{apiKey.rateLimitPerMinute} requests per minute</dd>
          {apiKey.status === 'revoked' && (
            <>
              <dt>Revoked</dt>
              <dd>
                {apiKey.revokedAt ? formatDateTime(apiKey.revokedAt) : ''}{' '}
                <RevokedReason apiKey={apiKey} />
              </dd>
            </>
          )}
        </dl>
        <h3 className="section-title">Last 30 days</h3>
        {usage.state === 'loading' && <p className="muted">Loading usage…</p>}
        {usage.state === 'error' && <p className="field-error">{usage.message}</p>}
        {usage.state === 'ready' && totals && (
          <>
            <p className="muted">
              {totals.requests} requests · {totals.rejected} rejected (403/429)
            </p>
            <KeyUsageChart days={usage.value} />
          </>
        )}
        <h3 className="section-title">Audit trail</h3>
        {trail.state === 'loading' && <p className="muted">Loading events…</p>}
        {trail.state === 'error' && <p className="field-error">{trail.message}</p>}
        {trail.state === 'ready' && trail.value === null && (
          <p className="muted">The audit log is not available on this server yet.</p>
        )}
        {trail.state === 'ready' && trail.value?.length === 0 && (
          <p className="muted">No events yet.</p>
        )}
        {trail.state === 'ready' && trail.value && trail.value.length > 0 && (
          <ul className="audit-list">
            {trail.value.map((event) => (
              <li key={event.id}>
                <code className="code">{event.action}</code> by {actorLabel(event.actor, byId)} ·{' '}
                <time dateTime={event.at}>{formatDateTime(event.at)}</time>
                {event.ip ? ` · ${event.ip}` : ''}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}
