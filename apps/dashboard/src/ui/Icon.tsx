import type { ReactNode } from 'react';

/** A small set of 20×20 stroke icons, drawn for this dashboard. Decorative: hidden from AT. */
const PATHS = {
  key: (
    <>
      <circle cx="7" cy="12.5" r="3.5" />
      <path d="M9.5 10 16 3.5M13.5 6l2 2M11.5 8l1.5 1.5" />
    </>
  ),
  building: (
    <>
      <path d="M4 17V4.5A1.5 1.5 0 0 1 5.5 3h6A1.5 1.5 0 0 1 13 4.5V17M13 8h2.5A1.5 1.5 0 0 1 17 9.5V17" />
      <path d="M2.5 17h15M7 6.5h3M7 9.5h3M7 12.5h3" />
    </>
  ),
  home: (
    <>
      <path d="M3 9 10 3.5 17 9" />
      <path d="M5 8v8.5h10V8M8.5 16.5V12h3v4.5" />
    </>
  ),
  user: (
    <>
      <circle cx="10" cy="7" r="3.25" />
      <path d="M3.5 17c.8-3 3.4-4.75 6.5-4.75S15.7 14 16.5 17" />
    </>
  ),
  book: (
    <>
      <path d="M4 4.5A1.5 1.5 0 0 1 5.5 3H16v12H5.5A1.5 1.5 0 0 0 4 16.5z" />
      <path d="M4 16.5A1.5 1.5 0 0 0 5.5 18H16v-3M7.5 6.5h5" />
    </>
  ),
  plus: <path d="M10 4v12M4 10h12" />,
  copy: (
    <>
      <rect x="7" y="7" width="9.5" height="9.5" rx="1.75" />
      <path d="M13 7V5a1.5 1.5 0 0 0-1.5-1.5h-6A1.5 1.5 0 0 0 4 5v6a1.5 1.5 0 0 0 1.5 1.5H7" />
    </>
  ),
  check: <path d="m4.5 10.5 3.5 3.5 7.5-8" />,
  search: (
    <>
      <circle cx="9" cy="9" r="5" />
      <path d="m13 13 3.5 3.5" />
    </>
  ),
  logout: (
    <>
      <path d="M8 3.5H5A1.5 1.5 0 0 0 3.5 5v10A1.5 1.5 0 0 0 5 16.5h3" />
      <path d="M13 6.5 16.5 10 13 13.5M16.5 10H8" />
    </>
  ),
  warning: (
    <>
      <path d="M10 3.5 17.5 16.5h-15z" />
      <path d="M10 8.5v3.5M10 14.2v.1" />
    </>
  ),
  info: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M10 9v4.5M10 6.4v.1" />
    </>
  ),
  close: <path d="m5 5 10 10M15 5 5 15" />,
  shield: (
    <>
      <path d="M10 2.75 16 5v4.5c0 3.8-2.6 6.6-6 7.75-3.4-1.15-6-3.95-6-7.75V5z" />
      <path d="m7.25 10 2 2 3.5-3.75" />
    </>
  ),
  external: (
    <>
      <path d="M11 3.5h5.5V9M16.5 3.5 9 11" />
      <path d="M14 12v3.5a1 1 0 0 1-1 1H4.5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1H8" />
    </>
  ),
  chevronDown: <path d="m5.5 8 4.5 4.5L14.5 8" />,
  arrowRight: <path d="M4 10h12M11.5 5.5 16 10l-4.5 4.5" />,
  arrowLeft: <path d="M16 10H4M8.5 5.5 4 10l4.5 4.5" />,
  agent: (
    <>
      <rect x="4" y="6" width="12" height="9.5" rx="2.5" />
      <path d="M10 6V3.5M7.5 10.5v.5M12.5 10.5v.5M2.5 10v2.5M17.5 10v2.5" />
    </>
  ),
  phone: (
    <path d="M6.5 3h-2A1.5 1.5 0 0 0 3 4.6C3.4 11 9 16.6 15.4 17a1.5 1.5 0 0 0 1.6-1.5v-2l-3.5-1.5-1.75 1.75a9 9 0 0 1-4-4L9.5 8z" />
  ),
  chat: (
    <>
      <path d="M4.5 4h11A1.5 1.5 0 0 1 17 5.5v7a1.5 1.5 0 0 1-1.5 1.5H9l-4 3v-3h-.5A1.5 1.5 0 0 1 3 12.5v-7A1.5 1.5 0 0 1 4.5 4z" />
      <path d="M7 8h6M7 10.75h4" />
    </>
  ),
  webhook: (
    <>
      <circle cx="6" cy="14" r="2" />
      <circle cx="14" cy="14" r="2" />
      <circle cx="10" cy="5.5" r="2" />
      <path d="M9 7.3 6.8 12M8 14h4M11 7.3l2.2 4.7" />
    </>
  ),
  plug: (
    <>
      <path d="M7 2.5V6M13 2.5V6M5 6h10v3a5 5 0 0 1-10 0z" />
      <path d="M10 14v3.5" />
    </>
  ),
  chart: <path d="M3.5 3.5v13h13M6.5 13l3-4 3 2 4-5.5" />,
  more: (
    <>
      <circle cx="4.5" cy="10" r="0.9" />
      <circle cx="10" cy="10" r="0.9" />
      <circle cx="15.5" cy="10" r="0.9" />
    </>
  ),
  trash: <path d="M3.5 5.5h13M8 5.5V4h4v1.5M5 5.5l.8 11h8.4l.8-11M8.5 8.5v5M11.5 8.5v5" />,
  refresh: (
    <path d="M16 4.5v4h-4M4 15.5v-4h4M15.2 8.5A6 6 0 0 0 5 6.5M4.8 11.5A6 6 0 0 0 15 13.5" />
  ),
  edit: <path d="m12.5 4.5 3 3L7 16H4v-3zM11 6l3 3" />,
} satisfies Record<string, ReactNode>;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}
