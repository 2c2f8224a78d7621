import type { UsageRecord } from '@iqra/sdk';

export const DAYS = 30;

/** The UTC midnight `DAYS - 1` days before today's: the first day the chart shows. */
export function windowStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (DAYS - 1)));
}

/**
 * Billed minutes per UTC day over the last `DAYS` days, days without calls as zeros: x in Unix
 * seconds (uPlot's time scale), y in minutes.
 */
export function minutesPerDay(
  records: UsageRecord[],
  now: Date,
): { days: number[]; minutes: number[] } {
  const start = windowStart(now).getTime();
  const days = Array.from({ length: DAYS }, (_, i) => (start + i * 86_400_000) / 1000);
  const minutes = days.map(() => 0);
  for (const record of records) {
    const index = Math.floor((Date.parse(record.endedAt) - start) / 86_400_000);
    if (index >= 0 && index < DAYS) minutes[index] = (minutes[index] ?? 0) + record.minutes;
  }
  return { days, minutes };
}
