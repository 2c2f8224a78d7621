import { Button } from '../../ui/Button';

export type MetadataRows = [string, string][];

export const MAX_METADATA = 20;

export function metadataRows(metadata: Record<string, string> | undefined): MetadataRows {
  return Object.entries(metadata ?? {});
}

/** The object the API takes, or a sentence saying what to fix (keys as on calls). */
export function metadataOf(rows: MetadataRows): Record<string, string> | string {
  const filled = rows.filter(([key, value]) => key.trim() !== '' || value !== '');
  if (filled.length > MAX_METADATA) return `At most ${MAX_METADATA} metadata entries.`;
  const out: Record<string, string> = {};
  for (const [rawKey, value] of filled) {
    const key = rawKey.trim();
    if (key.length === 0 || key.length > 40) return 'Metadata keys are 1 to 40 characters long.';
    if (key in out) return `The metadata key "${key}" appears twice.`;
    if (value.length > 500) return `The value of "${key}" is longer than 500 characters.`;
    out[key] = value;
  }
  return out;
}

export function sameMetadata(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Your own key-value data on an agent: rows of key and value, added and removed in place. */
export function MetadataEditor({
  rows,
  onChange,
  error,
}: {
  rows: MetadataRows;
  onChange: (rows: MetadataRows) => void;
  error?: string;
}) {
  const set = (index: number, at: 0 | 1, text: string) =>
    onChange(
      rows.map((row, i) => (i === index ? (at === 0 ? [text, row[1]] : [row[0], text]) : row)),
    );
  return (
    <fieldset className="fieldset">
      <legend>Metadata</legend>
      {rows.map(([key, value], index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
        <div className="grid-2" key={index}>
          <input
            className="input"
            aria-label={`Metadata key ${index + 1}`}
            value={key}
            maxLength={40}
            placeholder="team"
            onChange={(e) => set(index, 0, e.target.value)}
          />
          <span className="row-actions">
            <input
              className="input"
              aria-label={`Metadata value ${index + 1}`}
              value={value}
              maxLength={500}
              placeholder="front-desk"
              onChange={(e) => set(index, 1, e.target.value)}
            />
            <Button
              size="sm"
              variant="ghost"
              icon="trash"
              aria-label={`Remove metadata ${key || index + 1}`}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
            />
          </span>
        </div>
      ))}
      {rows.length < MAX_METADATA && (
        <Button size="sm" icon="plus" onClick={() => onChange([...rows, ['', '']])}>
          Add metadata
        </Button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
