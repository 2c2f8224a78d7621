import type { WebhookEndpoint, WebhookEndpointCreate } from '@iqra/sdk';

/** The events an endpoint may subscribe to (`webhook.test` is sent on request, not subscribed). */
type SubscribableEvent = NonNullable<WebhookEndpointCreate['events']>[number];

import { useRef, useState } from 'react';
import { WEBHOOK_EVENTS } from '../../api/constants';
import { Dialog } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { DialogFormActions, FormError } from '../../ui/FormParts';
import { useSubmit } from '../../ui/useSubmit';

type WebhookField = 'url' | 'events' | 'description';

/** A URL and the events it receives (all of them unless narrowed); with `endpoint`, an edit. */
export function CreateWebhookDialog({
  endpoint,
  onCreate,
  onCancel,
}: {
  endpoint?: WebhookEndpoint;
  onCreate: (body: WebhookEndpointCreate) => Promise<void>;
  onCancel: () => void;
}) {
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [description, setDescription] = useState(endpoint?.description ?? '');
  const [events, setEvents] = useState<SubscribableEvent[]>(
    endpoint?.events ?? [...WEBHOOK_EVENTS],
  );
  const editing = endpoint !== undefined;
  const urlRef = useRef<HTMLInputElement>(null);

  const submit = useSubmit<WebhookField>({
    fields: ['url', 'events', 'description'],
    validate: () => {
      const errors: Partial<Record<WebhookField, string>> = {};
      if (!/^https?:\/\/\S+$/i.test(url.trim())) {
        errors.url = 'Use an http(s) URL such as https://example.com/iqra/webhooks.';
      }
      if (events.length === 0) errors.events = 'Choose at least one event.';
      return errors;
    },
    action: () =>
      onCreate({
        url: url.trim(),
        ...(editing || events.length < WEBHOOK_EVENTS.length ? { events } : {}),
        ...(editing || description.trim() ? { description: description.trim() } : {}),
      }),
    leavesOnSuccess: true,
  });

  function toggle(event: SubscribableEvent, on: boolean) {
    setEvents((current) => WEBHOOK_EVENTS.filter((e) => (e === event ? on : current.includes(e))));
    submit.clear(['events']);
  }

  return (
    <Dialog
      title={editing ? 'Edit endpoint' : 'Add endpoint'}
      description="Iqra POSTs signed events (Standard Webhooks) to this URL and retries failures."
      onClose={onCancel}
      onSubmit={submit.onSubmit}
      busy={submit.busy}
      initialFocus={urlRef}
      footer={
        <DialogFormActions
          busy={submit.busy}
          submitLabel={editing ? 'Save endpoint' : 'Add endpoint'}
          onCancel={onCancel}
        />
      }
    >
      <FormError message={submit.errors.form} />
      <TextField
        ref={urlRef}
        label="URL"
        {...submit.bind('url', url, setUrl)}
        type="url"
        placeholder="https://example.com/iqra/webhooks"
        maxLength={2048}
        autoComplete="off"
        required
      />
      <TextField
        label="Description"
        {...submit.bind('description', description, setDescription)}
        placeholder="CRM sync"
        maxLength={200}
        autoComplete="off"
      />
      <fieldset className="fieldset">
        <legend>Events</legend>
        <div className="checks">
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} className="check">
              <input
                type="checkbox"
                checked={events.includes(event)}
                onChange={(e) => toggle(event, e.target.checked)}
              />
              <code className="code">{event}</code>
            </label>
          ))}
        </div>
        {submit.errors.events && (
          <p className="field-error" role="alert">
            {submit.errors.events}
          </p>
        )}
      </fieldset>
    </Dialog>
  );
}
