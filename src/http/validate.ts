// zod at the HTTP boundary: every body, query and path parameter is parsed before use, and
// a failure names the offending field.
import { z } from 'zod';
import { AppError } from '../errors.ts';

function fieldOf(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0]!);
  return path.join('.');
}

/**
 * The path of the first string (value or key) holding a lone UTF-16 surrogate, or null. Such a
 * string has no UTF-8 form: the database would silently change it and the record could not hash it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function illFormedString(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Object.entries(value)) {
    if (LONE_SURROGATE.test(k)) return [...path, k];
    const found = illFormedString(v, [...path, k]);
    if (found) return found;
  }
  return null;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.output<S> {
  const bad = illFormedString(input);
  if (bad)
    throw new AppError('validation_failed', `Invalid ${where}${bad.length ? ` field "${bad.join('.')}"` : ''}: a string holds a lone UTF-16 surrogate.`, {
      field: bad.join('.') || where,
    });
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldOf(issue);
  const detail =
    issue.code === 'unrecognized_keys'
      ? `Unknown field "${field}" in the request ${where}.`
      : `Invalid ${where}${field ? ` field "${field}"` : ''}: ${issue.message}.`;
  throw new AppError('validation_failed', detail, { field: field || where });
}

export const parseBody = <S extends z.ZodType>(schema: S, body: unknown): z.output<S> => parseInput(schema, body ?? {}, 'body');

/** An id in a request: a UUID, in the lower-case spelling the database returns. */
export const idSchema = z.uuid().transform((id) => id.toLowerCase());

/** A path id that is not a UUID names nothing: 404, the same as an id that does not exist. */
export function parseId(value: unknown, what = 'resource'): string {
  const r = idSchema.safeParse(value);
  if (!r.success) throw new AppError('not_found', `No such ${what}.`);
  return r.data;
}
