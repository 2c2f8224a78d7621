/** A spinner; with a label it is announced as a status, without one it is decoration. */
export function Spinner({ size = 20, label }: { size?: number; label?: string }) {
  const style = { width: size, height: size };
  if (label) return <span className="spinner" style={style} role="status" aria-label={label} />;
  return <span className="spinner" style={style} aria-hidden="true" />;
}
