import type { Message } from '@iqra/sdk';
import { formatTime } from '../../lib/format';

const WHO: Record<Message['role'], string> = { agent: 'Agent', user: 'Caller', system: 'System' };

/** A conversation as a chat: the agent on the left, the caller on the right, system notes centred. */
export function Transcript({ messages }: { messages: Message[] }) {
  if (messages.length === 0) {
    return <p className="muted transcript-empty">Nothing was said on this call.</p>;
  }
  return (
    <ol className="transcript" aria-label="Transcript">
      {messages.map((message, index) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: a transcript never reorders
          key={index}
          className={`turn turn-${message.role}`}
          data-role={message.role}
        >
          {message.role !== 'system' && <span className="turn-who">{WHO[message.role]}</span>}
          <p className="turn-text">
            {message.role === 'system' && <span className="visually-hidden">System: </span>}
            {message.text}
          </p>
          <time className="turn-time" dateTime={message.at}>
            {formatTime(message.at)}
          </time>
        </li>
      ))}
    </ol>
  );
}
