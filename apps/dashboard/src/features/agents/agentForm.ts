import type { Agent, AgentCreate } from '@iqra/sdk';
import type { FormErrors } from '../../ui/useSubmit';

export type AgentField = 'name' | 'language' | 'voice' | 'greeting' | 'instructions';
export const AGENT_FIELDS: readonly AgentField[] = [
  'name',
  'language',
  'voice',
  'greeting',
  'instructions',
];

export type AgentForm = Record<AgentField, string>;

/** A few voices the simulator and Twilio both know; any provider voice name may be typed. */
export const VOICES = ['standard', 'Polly.Joanna', 'Polly.Matthew', 'Polly.Amy'];

export function initialAgentForm(agent: Agent | null, defaultLanguage: string): AgentForm {
  return {
    name: agent?.name ?? '',
    language: agent?.language ?? defaultLanguage,
    voice: agent?.voice ?? 'standard',
    greeting: agent?.greeting ?? '',
    instructions: agent?.instructions ?? '',
  };
}

/** The checks the server would make, so the common mistakes are caught before a request. */
export function validateAgentForm(form: AgentForm): FormErrors<AgentField> {
  const errors: FormErrors<AgentField> = {};
  if (form.name.trim() === '') errors.name = 'Give the agent a name.';
  if (form.greeting.trim() === '') errors.greeting = 'Write what the agent says first.';
  if (form.language.trim().length < 2) errors.language = 'Use a language tag such as en or pt-BR.';
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(form.voice.trim())) {
    errors.voice = 'Use a voice name such as standard or Polly.Joanna.';
  }
  return errors;
}

/** The create body, or for an edit only what changed (PATCH needs at least one field). */
export function toAgentBody(form: AgentForm, agent: Agent | null): Partial<AgentCreate> {
  const body: AgentCreate = {
    name: form.name.trim(),
    greeting: form.greeting.trim(),
    instructions: form.instructions,
    language: form.language.trim(),
    voice: form.voice.trim(),
  };
  if (!agent) return body;
  const changed: Partial<AgentCreate> = {};
  for (const field of AGENT_FIELDS) {
    if (body[field] !== agent[field]) changed[field] = body[field];
  }
  return changed;
}

/** A sample value for a variable's preview: `patient_name` → "Patient name". */
export function sampleFor(name: string): string {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
