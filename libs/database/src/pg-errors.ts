/** The SQLSTATE and constraint of a PostgreSQL error, whether raw (pg) or wrapped (TypeORM). */
export function pgError(error: unknown): { code?: string; constraint?: string } {
  if (typeof error !== 'object' || error === null) {
    return {};
  }
  const e = error as { code?: unknown; constraint?: unknown; driverError?: unknown };
  if (e.driverError !== undefined) {
    return pgError(e.driverError);
  }
  return {
    code: typeof e.code === 'string' ? e.code : undefined,
    constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
  };
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: name } = pgError(error);
  return code === '23505' && (constraint === undefined || name === constraint);
}
