// The PostgreSQL SQLSTATE codes our code tests for, by the names the manual gives them
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).

export const SqlState = {
  /** A row with this key exists (e.g. a delivery a concurrent twin claimed first). */
  uniqueViolation: '23505',
  notNullViolation: '23502',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  /** statement_timeout, or pg_cancel_backend(). */
  queryCanceled: '57014',
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  undefinedTable: '42P01',
  invalidPassword: '28P01',
  invalidAuthorizationSpecification: '28000',
  invalidCatalogName: '3D000',
} as const;

/** SQLSTATE classes: the first two characters of a code. */
export const SqlStateClass = {
  /** Values the column cannot hold (too long, out of range, bad encoding…). */
  dataException: '22',
  connectionException: '08',
  insufficientResources: '53',
} as const;

/** An error's code: the SQLSTATE of a database error (a network error's is e.g. ECONNRESET). */
export function errorCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return errorCode(err) === SqlState.uniqueViolation;
}

export function isUndefinedTable(err: unknown): boolean {
  return errorCode(err) === SqlState.undefinedTable;
}

export function inClass(code: string, cls: (typeof SqlStateClass)[keyof typeof SqlStateClass]): boolean {
  return code.startsWith(cls);
}
