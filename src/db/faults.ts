// Which database errors are transient — the database cannot serve right now, and the same
// request may well succeed if sent again — as opposed to bugs. A transient fault answers
// 503 with Retry-After (the web client's outbox retries); anything else stays a 500.

/** SQLSTATE codes and classes (the first two characters) that a retry may cure, with a delay in seconds. */
const SQLSTATE_RETRY: Record<string, number> = {
  // concurrency: another transaction got in the way
  '40001': 1, // serialization_failure
  '40P01': 1, // deadlock_detected
  '55P03': 2, // lock_not_available (lock_timeout)
  '57014': 5, // query_canceled (statement_timeout)
  '25P03': 2, // idle_in_transaction_session_timeout
  // the server going away or coming back
  '57P01': 5, // admin_shutdown (a terminated backend, a fast stop)
  '57P02': 5, // crash_shutdown
  '57P03': 5, // cannot_connect_now (starting up, in recovery)
  '57P05': 5, // idle_session_timeout
  '08': 5, // connection exception
  '53': 10, // insufficient resources: disk full, out of memory, too many connections
  '58': 10, // system error: I/O error
};

/** Socket and system errors of the connection to the server, or of the data folder. */
const ERRNO_RETRY: Record<string, number> = {
  ECONNREFUSED: 5,
  ECONNRESET: 5,
  ETIMEDOUT: 5,
  EPIPE: 5,
  EHOSTUNREACH: 5,
  ENETUNREACH: 5,
  EAI_AGAIN: 5,
  ENOSPC: 10,
  EDQUOT: 10,
  EIO: 10,
};

/** Messages node-postgres uses for a lost or unobtainable connection (it gives them no code). */
const PG_CONNECTION_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect/, /not queryable/, /^Query read timeout/];

/**
 * The Retry-After (seconds) for a transient database fault, or undefined for any other error.
 * Follows `cause` links, so a wrapped driver error is still recognised.
 */
export function transientFault(err: unknown): { retryAfter: number; code: string } | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === 'string') {
      if (/^[0-9A-Z]{5}$/.test(code)) {
        const retry = SQLSTATE_RETRY[code] ?? SQLSTATE_RETRY[code.slice(0, 2)];
        if (retry) return { retryAfter: retry, code };
      }
      const errno = ERRNO_RETRY[code];
      if (errno) return { retryAfter: errno, code };
    }
    if (typeof message === 'string') {
      if (PG_CONNECTION_MESSAGES.some((re) => re.test(message))) return { retryAfter: 5, code: 'connection' };
      // The embedded database's WebAssembly runtime gave up (typically a full disk).
      if (name === 'RuntimeError' && /Aborted/.test(message)) return { retryAfter: 30, code: 'embedded_aborted' };
    }
  }
  return undefined;
}

/**
 * Whether `e` is PostgreSQL's unique_violation (23505) of exactly `constraint` (a unique index or
 * constraint name). A handler that turns a lost race into a 409 must not hide any other duplicate,
 * which is a bug and stays a 500. pg and PGlite both name the constraint on the error.
 */
export function isUniqueViolation(e: unknown, constraint: string): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, constraint: fired } = e as { code?: unknown; constraint?: unknown };
  return code === '23505' && fired === constraint;
}
