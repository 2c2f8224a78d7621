/**
 * True when the database refused a write because of a unique or primary key constraint, on
 * either engine: PostgreSQL reports SQLSTATE 23505, better-sqlite3 an SQLITE_CONSTRAINT_* code.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = String(error.code);
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}
