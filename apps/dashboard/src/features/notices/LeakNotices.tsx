import type { Notice } from '@iqra/sdk';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import { formatDate, formatDateTime } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';

interface Shown {
  notice: Notice;
  keyName: string;
}

/**
 * A red banner per undismissed "your key was found in public" notice, on every page until the
 * owner dismisses it. The key is already revoked; the banner says which one and where it was seen.
 */
export function LeakNotices() {
  const [shown, setShown] = useState<Shown[]>([]);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api
      .notices()
      .then(async (page) => {
        const open = page.data.filter((n) => n.kind === 'api_key_leaked' && !n.dismissedAt);
        const named = await Promise.all(
          open.map(async (notice) => ({
            notice,
            keyName: await api.key(notice.keyId).then(
              (key) => key.name,
              () => 'an API key',
            ),
          })),
        );
        if (live) setShown(named);
      })
      // Notices are a courtesy: a page that fails to load them still works.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);

  const dismiss = useCallback(async (id: string) => {
    setBusy(id);
    try {
      await api.dismissNotice(id);
      setShown((list) => list.filter((s) => s.notice.id !== id));
    } catch {
      // It stays until a dismissal goes through.
    } finally {
      setBusy(null);
    }
  }, []);

  if (shown.length === 0) return null;
  return (
    <div className="leak-notices" data-testid="leak-notices">
      {shown.map(({ notice, keyName }) => (
        <Callout key={notice.id} tone="danger" role="alert">
          <span>
            A key was found in public and has been revoked: <strong>{keyName}</strong>
            {notice.url ? (
              <>
                , found at{' '}
                {/^https?:\/\//i.test(notice.url) ? (
                  <a href={notice.url} target="_blank" rel="noreferrer noopener">
                    {notice.url}
                  </a>
                ) : (
                  notice.url
                )}
              </>
            ) : null}
            ,{' '}
            <time dateTime={notice.at} title={formatDateTime(notice.at)}>
              {formatDate(notice.at)}
            </time>
            . Replace it wherever it was used.
          </span>{' '}
          <Button
            size="sm"
            variant="ghost"
            loading={busy === notice.id}
            onClick={() => void dismiss(notice.id)}
            aria-label={`Dismiss the notice about ${keyName}`}
          >
            Dismiss
          </Button>
        </Callout>
      ))}
    </div>
  );
}
