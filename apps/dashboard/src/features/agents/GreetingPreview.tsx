import { templateParts } from '../../lib/template';
import { sampleFor } from './agentForm';

/**
 * The variables a greeting uses, as chips with a sample value each, and the greeting as a caller
 * would hear it with those samples.
 */
export function GreetingPreview({
  greeting,
  variables,
  samples,
  onSample,
}: {
  greeting: string;
  variables: string[];
  samples: Record<string, string>;
  onSample: (name: string, value: string) => void;
}) {
  const sampleOf = (name: string) => samples[name] ?? sampleFor(name);
  return (
    <section className="preview" aria-label="Greeting preview">
      <div className="preview-head">
        <span className="field-label">Variables</span>
        {variables.length === 0 && (
          <span className="muted">
            None. Write <code className="code">{'{{patient}}'}</code> in the greeting to fill it per
            call.
          </span>
        )}
      </div>
      {variables.length > 0 && (
        <ul className="chips" aria-label="Variables in the greeting">
          {variables.map((name) => (
            <li key={name} className="chip">
              <span className="chip-name">{`{{${name}}}`}</span>
              <input
                className="chip-input"
                aria-label={`Sample value for ${name}`}
                value={sampleOf(name)}
                onChange={(event) => onSample(name, event.target.value)}
              />
            </li>
          ))}
        </ul>
      )}
      <figure className="preview-figure">
        <figcaption className="field-label">Preview</figcaption>
        <blockquote className="preview-text" data-testid="greeting-preview">
          {greeting.trim() === ''
            ? 'The greeting appears here as a caller hears it.'
            : templateParts(greeting).map((part, index) =>
                part.kind === 'text' ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional and re-made on each key stroke
                  <span key={index}>{part.text}</span>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: as above
                  <mark key={index} className="preview-var" title={`{{${part.name}}}`}>
                    {sampleOf(part.name)}
                  </mark>
                ),
              )}
        </blockquote>
      </figure>
    </section>
  );
}
