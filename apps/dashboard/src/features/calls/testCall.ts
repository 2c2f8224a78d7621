/** The simulator's magic numbers: each one always ends the same way. */
export const PRESETS = [
  { number: '+15005550006', label: 'Answers' },
  { number: '+15005550001', label: 'Busy' },
  { number: '+15005550002', label: 'No answer' },
  { number: '+15005550003', label: 'Fails' },
] as const;

export const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A fresh `Idempotency-Key`. One per dialog: a retry after a lost answer (or a double click)
 * returns the first call instead of dialling twice.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
