// The only place where error codes become HTTP: RFC 9457 problem+json, a stable `type` per
// code, a Chinese-and-English title, the offending field where there is one, and never a stack.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ERROR_CODES, PROTOCOL_TO_SERVICE, type ErrorCode } from '../errors.ts';
import { ProtocolError } from '../protocol/errors.ts';
import type { Logger } from '../log.ts';
import { transientFault } from '../db/faults.ts';

export const PROBLEM_TYPE_BASE = 'urn:piaojue:problem:';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  field?: string;
  [extra: string]: unknown;
}

export function problemFor(e: AppError): Problem {
  const { status, title } = ERROR_CODES[e.code];
  return {
    ...(e.extra ?? {}),
    type: PROBLEM_TYPE_BASE + e.code,
    title,
    status,
    detail: e.message,
    code: e.code,
    ...(e.field !== undefined ? { field: e.field } : {}),
  };
}

/** body-parser and express raise errors with a `type`; map the ones a client can cause. */
function fromParserError(err: { type?: unknown; status?: unknown; message?: unknown }): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('malformed_json', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is larger than this route takes.');
    case 'entity.too.deep':
      return new AppError('json_too_deep', 'The request body nests arrays and objects deeper than any request of this API needs.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'Only UTF-8 JSON bodies are accepted.');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('validation_failed', 'The request body could not be read.');
    default:
      return undefined;
  }
}

/** Protocol errors are the client's fault when they reach the HTTP layer (bad points, ballots…). */
function fromProtocolError(err: ProtocolError): AppError {
  const code: ErrorCode = PROTOCOL_TO_SERVICE[err.code];
  return new AppError(code, err.message, err.field !== undefined ? { field: err.field } : {});
}

/** Seconds a client should wait before retrying after database_unavailable, unless the fault says. */
export const DEFAULT_RETRY_AFTER = 5;

export function errorHandler(log: Logger): ErrorRequestHandler {
  // One log line per kind of database fault per minute, not one per request: an outage must
  // not flood the log.
  const lastLogged = new Map<string, number>();
  return (err: unknown, _req, res, _next) => {
    let appError: AppError;
    let retryAfter: number | undefined;
    const fault = err instanceof AppError || err instanceof ProtocolError ? undefined : transientFault(err);
    if (err instanceof AppError) appError = err;
    else if (err instanceof ProtocolError) appError = fromProtocolError(err);
    else if ((err as { code?: unknown })?.code === 'shutting_down')
      appError = new AppError('shutting_down', 'The service is shutting down; send the request again after Retry-After seconds.');
    else if (fault) {
      appError = new AppError('database_unavailable', 'The database cannot serve this request right now; send it again after Retry-After seconds.');
      retryAfter = fault.retryAfter;
      const now = Date.now();
      if ((lastLogged.get(fault.code) ?? 0) < now - 60_000) {
        lastLogged.set(fault.code, now);
        log.error(`database unavailable (${fault.code}): ${String((err as Error)?.message ?? err)}`);
      }
    } else appError = fromParserError(err ?? {}) ?? new AppError('internal', 'Something went wrong on our side.');
    if (appError.code === 'internal') log.error('internal error', err);
    if (res.headersSent) return;
    if (appError.status === 503) res.set('Retry-After', String(retryAfter ?? (Number(res.get('Retry-After')) || DEFAULT_RETRY_AFTER)));
    res.status(appError.status).type('application/problem+json').json(problemFor(appError));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('route_not_found', `No route for ${req.method} ${req.path}.`));
};
