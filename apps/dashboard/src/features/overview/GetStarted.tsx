import type { Call } from '@iqra/sdk';
import { useEffect } from 'react';
import { useOptionalBusinessData } from '../../state/business';
import { useData } from '../../state/data';
import { ButtonLink } from '../../ui/Button';
import { Icon } from '../../ui/Icon';

interface Step {
  done: boolean;
  title: string;
  text: string;
  to: string;
  action: string;
}

/** The path from sign-up to a first call, ticked off as the account gets there. */
export function GetStarted({ calls }: { calls: Call[] | null }) {
  const { businesses, keys } = useData();
  const scoped = useOptionalBusinessData();
  const agents = scoped?.agents;

  useEffect(() => agents?.ensure(), [agents?.ensure]);

  const steps: Step[] = [
    {
      done: businesses.items.length > 0,
      title: 'Create a business',
      text: 'A workspace for one clinic, shop or support line.',
      to: '/businesses',
      action: 'Businesses',
    },
    {
      done: (agents?.items.length ?? 0) > 0,
      title: 'Create an agent',
      text: 'Its greeting, voice and instructions; {{variables}} fill in per call.',
      to: '/agents',
      action: 'Agents',
    },
    {
      done: (calls?.length ?? 0) > 0,
      title: 'Make a test call',
      text: 'Call a simulator number and read the transcript.',
      to: '/calls?test=1',
      action: 'Test call',
    },
    {
      done: keys.items.length > 0,
      title: 'Add an API key',
      text: 'Restricted to the businesses it needs. You see it once.',
      to: '/keys',
      action: 'API keys',
    },
  ];
  const origin = window.location.origin;

  return (
    <section className="card" aria-labelledby="start-title">
      <div className="card-header">
        <h2 id="start-title" className="card-title">
          Get started
        </h2>
      </div>
      <ol className="steps">
        {steps.map((step, index) => (
          <li key={step.title} className={step.done ? 'step step-done' : 'step'}>
            <span className="step-mark" aria-hidden="true">
              {step.done ? <Icon name="check" size={16} /> : index + 1}
            </span>
            <div className="step-body">
              <p className="step-title">
                {step.title}
                {step.done && <span className="visually-hidden"> (done)</span>}
              </p>
              <p className="step-text">{step.text}</p>
            </div>
            <ButtonLink to={step.to} size="sm" variant={step.done ? 'ghost' : 'secondary'}>
              {step.action}
            </ButtonLink>
          </li>
        ))}
        <li className="step">
          <span className="step-mark" aria-hidden="true">
            {steps.length + 1}
          </span>
          <div className="step-body">
            <p className="step-title">Make your first request</p>
            <pre className="snippet">
              <code>{`curl ${origin}/api/v1/businesses \\\n  -H "Authorization: Token iqra_sk_…"`}</code>
            </pre>
          </div>
          <a
            className="btn btn-secondary btn-sm"
            href="/docs"
            target="_blank"
            rel="noopener noreferrer"
          >
            <Icon name="book" size={16} />
            <span>Reference</span>
          </a>
        </li>
      </ol>
    </section>
  );
}
