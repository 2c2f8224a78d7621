import { type Static, Type } from 'typebox';
import { stringEnum } from '../http/route-kit.js';
import { idOf, PageQuery, Timestamp } from '../http/schemas.js';
import { LOGGED_EVENT_TYPES } from '../webhooks/outbox.js';

export const EventSchema = Type.Object(
  {
    id: idOf('evt', 'The `webhook-id` header its deliveries carried.'),
    type: Type.String(),
    data: Type.Unknown({ description: 'The `data` of the webhook body, as delivered.' }),
    createdAt: Timestamp,
  },
  { title: 'Event' },
);
export type Event = Static<typeof EventSchema>;

export const EventListQuery = Type.Object({
  ...PageQuery,
  type: Type.Optional(stringEnum(LOGGED_EVENT_TYPES, { description: 'Only events of this type.' })),
});
