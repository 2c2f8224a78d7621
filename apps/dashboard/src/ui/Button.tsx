import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';
import { Link, type LinkProps } from 'react-router';
import { Icon, type IconName } from './Icon';
import { Spinner } from './Spinner';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';
type Size = 'sm' | 'md';

interface Look {
  variant?: Variant;
  size?: Size;
  icon?: IconName;
  block?: boolean;
}

function classOf({ variant = 'secondary', size = 'md', block }: Look, extra?: string): string {
  return ['btn', `btn-${variant}`, `btn-${size}`, block && 'btn-block', extra]
    .filter(Boolean)
    .join(' ');
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement>, Look {
  /** Shows a spinner and disables the button while a request runs; the width does not change. */
  loading?: boolean;
  children?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({
  variant,
  size,
  icon,
  block,
  loading = false,
  disabled,
  className,
  children,
  type = 'button',
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={classOf({ variant, size, block }, className)}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...rest}
    >
      {loading ? <Spinner size={16} /> : icon ? <Icon name={icon} size={16} /> : null}
      {children !== undefined && <span>{children}</span>}
    </button>
  );
}

export function ButtonLink({
  variant,
  size,
  icon,
  block,
  className,
  children,
  ...rest
}: LinkProps & Look) {
  return (
    <Link className={classOf({ variant, size, block }, className)} {...rest}>
      {icon && <Icon name={icon} size={16} />}
      <span>{children}</span>
    </Link>
  );
}
