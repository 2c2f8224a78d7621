import type { ReactNode } from 'react';
import { BrandMark } from '../../layout/BrandMark';

export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle: string;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <div className="auth">
      <main className="auth-card">
        <div className="auth-brand">
          <BrandMark name="Iqra" size={36} />
          <span className="auth-brand-name">Iqra</span>
        </div>
        <h1 className="auth-title">{title}</h1>
        <p className="auth-subtitle">{subtitle}</p>
        {children}
        <p className="auth-footer">{footer}</p>
      </main>
      <p className="auth-legal">
        Voice agents, outbound calls and conversation history —{' '}
        <a href="/docs" className="link">
          read the API reference
        </a>
        .
      </p>
    </div>
  );
}
