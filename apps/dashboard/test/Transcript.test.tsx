import type { Message } from '@iqra/sdk';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Transcript } from '../src/features/conversations/Transcript';

const MESSAGES: Message[] = [
  { role: 'agent', text: 'Hello Sam, this is the clinic.', at: '2026-11-28T10:00:01.000Z' },
  { role: 'user', text: 'Hi, yes?', at: '2026-11-28T10:00:04.000Z' },
  { role: 'system', text: 'The agent ended the call.', at: '2026-11-28T10:00:09.000Z' },
];

describe('Transcript', () => {
  it('shows each turn in order, as agent, caller or system, with its time', () => {
    render(<Transcript messages={MESSAGES} />);
    const turns = within(screen.getByRole('list', { name: 'Transcript' })).getAllByRole('listitem');
    expect(turns.map((t) => t.getAttribute('data-role'))).toEqual(['agent', 'user', 'system']);
    expect(turns[0]).toHaveTextContent('Agent');
    expect(turns[0]).toHaveTextContent('Hello Sam, this is the clinic.');
    expect(turns[1]).toHaveTextContent('Caller');
    expect(turns[2]).toHaveTextContent('System: The agent ended the call.');
    const times = turns.map((t) => t.querySelector('time')?.getAttribute('dateTime'));
    expect(times).toEqual(MESSAGES.map((m) => m.at));
    expect(turns[0]?.querySelector('time')?.textContent).toMatch(/\d{1,2}:\d{2}:\d{2}/);
  });

  it('says so when nothing was said (an unanswered call)', () => {
    render(<Transcript messages={[]} />);
    expect(screen.getByText('Nothing was said on this call.')).toBeInTheDocument();
  });
});
