import { useState } from 'react';

/** The brand's logo when it loads, else its initial on the brand colour. */
export function BrandMark({
  name,
  logoUrl,
  size = 32,
}: {
  name: string;
  logoUrl?: string | null;
  size?: number;
}) {
  const [failed, setFailed] = useState<string | null>(null);
  if (logoUrl && failed !== logoUrl) {
    return (
      <img
        className="brand-logo"
        src={logoUrl}
        alt=""
        width={size}
        height={size}
        onError={() => setFailed(logoUrl)}
      />
    );
  }
  return (
    <span className="brand-mark" style={{ width: size, height: size }} aria-hidden="true">
      {name.trim().charAt(0).toUpperCase() || 'I'}
    </span>
  );
}
