import { type Static, Type } from 'typebox';
import { stringEnum } from '../http/route-kit.js';
import { idOf, NullableString, NullableTimestamp, PageQuery, Timestamp } from '../http/schemas.js';

export const NoticeSchema = Type.Object(
  {
    id: idOf('ntc'),
    kind: stringEnum(['api_key_leaked'] as const, {
      description: '`api_key_leaked`: one of your keys was found in public and has been revoked.',
    }),
    keyId: idOf('key', 'The key that was found.'),
    url: NullableString({
      description: 'Where it was found, as the scanner reported it (null when not reported).',
    }),
    at: Timestamp,
    dismissedAt: NullableTimestamp,
  },
  { title: 'Notice' },
);
export type Notice = Static<typeof NoticeSchema>;

export const NoticesQuery = Type.Object({ ...PageQuery });
export const NoticeParams = Type.Object({ noticeId: Type.String({ maxLength: 64 }) });

/** One item of a partner's report, as the secret scanning partner program sends it. */
export interface ReportedToken {
  token: string;
  type: string;
  url: string | null;
  source: string | null;
}

export const ReportLabelSchema = Type.Object({
  token_hash: Type.String({ description: 'Hex SHA-256 of the reported token.' }),
  token_type: Type.String(),
  label: stringEnum(['true_positive', 'false_positive'] as const),
});
export type ReportLabel = Static<typeof ReportLabelSchema>;
