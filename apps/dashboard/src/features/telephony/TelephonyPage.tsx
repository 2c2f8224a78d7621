import type { TelephonySettings } from '@iqra/sdk';
import { useCallback, useState } from 'react';
import { voiceApi } from '../../api/voice';
import { usePageTitle } from '../../brand/brand';
import { PageHeader } from '../../layout/PageHeader';
import { formatDateTime } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useBusinessData } from '../../state/business';
import { Button } from '../../ui/Button';
import { CopyButton } from '../../ui/CopyButton';
import { Field, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormParts';
import { LoadError } from '../../ui/LoadError';
import { Spinner } from '../../ui/Spinner';
import { useSubmit } from '../../ui/useSubmit';
import { E164 } from '../calls/testCall';

type Provider = TelephonySettings['provider'];
type TelephonyField = 'accountSid' | 'authToken' | 'fromNumber';

/** Where Twilio reports a call's progress; Iqra appends the call id on each call it places. */
export const TWILIO_CALLBACK_PATH = '/telephony/twilio/status';

export function TelephonyPage() {
  usePageTitle('Telephony');
  const { business } = useBusinessData();
  const load = useCallback(() => voiceApi.telephony(business.id), [business.id]);
  const settings = useResource<TelephonySettings>(load);
  return (
    <>
      <PageHeader
        title="Telephony"
        description="Which carrier places this business’s calls: the built-in simulator, or your Twilio account."
      />
      {settings.status === 'loading' ? (
        <div className="page-loading">
          <Spinner size={24} label="Loading telephony settings" />
        </div>
      ) : settings.data ? (
        <TelephonyForm
          key={settings.data.updatedAt ?? 'new'}
          current={settings.data}
          onSaved={settings.set}
        />
      ) : (
        <LoadError
          title="Telephony settings did not load"
          error={settings.error}
          onRetry={settings.reload}
        />
      )}
    </>
  );
}

function TelephonyForm({
  current,
  onSaved,
}: {
  current: TelephonySettings;
  onSaved: (t: TelephonySettings) => void;
}) {
  const { business } = useBusinessData();
  const [provider, setProvider] = useState<Provider>(current.provider);
  const [accountSid, setAccountSid] = useState(current.accountSid ?? '');
  const [authToken, setAuthToken] = useState('');
  const [fromNumber, setFromNumber] = useState(current.fromNumber ?? '');
  const hasToken = current.provider === 'twilio';
  const callback = `${window.location.origin}${TWILIO_CALLBACK_PATH}`;

  const submit = useSubmit<TelephonyField>({
    fields: ['accountSid', 'authToken', 'fromNumber'],
    validate: () => {
      if (provider === 'simulator') return {};
      const errors: Partial<Record<TelephonyField, string>> = {};
      if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid.trim())) {
        errors.accountSid = 'An account SID is AC followed by 32 hexadecimal characters.';
      }
      if (!hasToken && authToken.length < 8) errors.authToken = 'Paste the account’s auth token.';
      if (!E164.test(fromNumber.trim()))
        errors.fromNumber = 'Write the number in E.164 form: +14155550100.';
      return errors;
    },
    action: async () => {
      const saved = await voiceApi.saveTelephony(
        business.id,
        provider === 'simulator'
          ? { provider }
          : {
              provider,
              accountSid: accountSid.trim(),
              fromNumber: fromNumber.trim(),
              ...(authToken ? { authToken } : {}),
            },
      );
      setAuthToken('');
      onSaved(saved);
    },
    success: 'Telephony saved. New calls use it.',
  });

  return (
    <form className="card stack" noValidate onSubmit={submit.onSubmit}>
      <FormError message={submit.errors.form} />
      <fieldset className="choices" aria-label="Carrier">
        {(
          [
            [
              'simulator',
              'Simulator',
              'No account needed. Magic numbers answer, ring busy, go unanswered or fail.',
            ],
            ['twilio', 'Twilio', 'Real calls through your Twilio account and number.'],
          ] as const
        ).map(([value, label, text]) => (
          <label key={value} className={provider === value ? 'choice choice-selected' : 'choice'}>
            <input
              type="radio"
              name="provider"
              value={value}
              checked={provider === value}
              onChange={() => setProvider(value)}
            />
            <span>
              <span className="choice-label">{label}</span>
              <span className="choice-description">{text}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {provider === 'twilio' && (
        <>
          <TextField
            label="Account SID"
            {...submit.bind('accountSid', accountSid, setAccountSid)}
            placeholder={`AC${'0'.repeat(32)}`}
            autoComplete="off"
            spellCheck={false}
            required
          />
          <TextField
            label="Auth token"
            type="password"
            {...submit.bind('authToken', authToken, setAuthToken)}
            hint={
              hasToken
                ? 'Stored encrypted and never shown. Leave empty to keep it.'
                : 'Stored encrypted; never shown again.'
            }
            placeholder={hasToken ? '••••••••  (stored)' : ''}
            autoComplete="new-password"
            required={!hasToken}
          />
          <TextField
            label="From number"
            {...submit.bind('fromNumber', fromNumber, setFromNumber)}
            hint="Caller id of calls that name none; a number of your Twilio account."
            inputMode="tel"
            autoComplete="off"
            required
          />
          <Field
            label="Status callback URL"
            hint="Iqra sets it on every call it places (with the call id appended). Paste it in Twilio only where a number or app asks for a status callback."
          >
            {(control) => (
              <div className="secret">
                <input
                  className="input input-mono"
                  readOnly
                  value={`${callback}/{callId}`}
                  {...control}
                />
                <CopyButton text={() => callback} className="secret-copy" />
              </div>
            )}
          </Field>
        </>
      )}
      <div className="form-actions">
        <span className="muted">
          {current.updatedAt
            ? `Last saved ${formatDateTime(current.updatedAt)}`
            : 'Using the simulator (default).'}
        </span>
        <Button type="submit" variant="primary" loading={submit.busy}>
          Save
        </Button>
      </div>
    </form>
  );
}
