import { type Static, Type } from 'typebox';
import { businessChildParams, nameText, nonBlankText } from '../http/route-kit.js';
import { idOf, Timestamp } from '../http/schemas.js';

export const AgentSchema = Type.Object(
  {
    id: idOf('agt'),
    name: Type.String(),
    language: Type.String({ description: 'BCP 47 tag the agent speaks.' }),
    voice: Type.String(),
    greeting: Type.String({ description: 'First words of every call; may use `{{variables}}`.' }),
    instructions: Type.String(),
    variables: Type.Array(Type.String(), {
      description: 'Variables the greeting and instructions use: every call must give each one.',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Agent' },
);
export type Agent = Static<typeof AgentSchema>;

export const Fields = {
  name: nameText({ maxLength: 100, examples: ['Front desk'] }),
  greeting: nonBlankText({
    maxLength: 2000,
    examples: ['Hello {{patient}}, this is Dental Clinic calling about your appointment.'],
  }),
  instructions: Type.String({
    maxLength: 20_000,
    description: 'How the agent behaves; may use `{{variables}}`.',
  }),
  language: Type.String({
    minLength: 2,
    maxLength: 35,
    examples: ['en', 'pt-BR'],
    description: "Defaults to the business's language.",
  }),
  voice: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$',
    examples: ['standard', 'Polly.Joanna'],
    description: 'Voice name of the provider; `standard` by default.',
  }),
};

export const CreateAgentBody = Type.Object(
  {
    name: Fields.name,
    greeting: Fields.greeting,
    instructions: Type.Optional(Fields.instructions),
    language: Type.Optional(Fields.language),
    voice: Type.Optional(Fields.voice),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'Front desk',
        greeting: 'Hello {{patient}}, this is Dental Clinic calling about your appointment.',
        instructions: 'Confirm the appointment time; offer to reschedule if it does not suit.',
        language: 'en',
      },
    ],
  },
);
export type CreateAgentRequest = Static<typeof CreateAgentBody>;

export const UpdateAgentBody = Type.Object(
  {
    name: Type.Optional(Fields.name),
    greeting: Type.Optional(Fields.greeting),
    instructions: Type.Optional(Fields.instructions),
    language: Type.Optional(Fields.language),
    voice: Type.Optional(Fields.voice),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAgentRequest = Static<typeof UpdateAgentBody>;

export const AgentParams = businessChildParams('agentId');
