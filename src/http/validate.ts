// zod at the HTTP boundary: every body, query and path parameter is parsed before use, and
// a failure names the offending field.
import { z } from 'zod';
import { AppError } from '../errors.ts';

function fieldOf(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0]!);
  return path.join('.');
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.output<S> {
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

export const parseBody = <S extends z.ZodType>(schema: S, body: unknown): z.output<S> =>
  parseInput(schema, body ?? {}, 'body');

/** An id in a request: a UUID, in the lower-case spelling the database returns. */
export const idSchema = z.uuid().transform((id) => id.toLowerCase());

/** A path id that is not a UUID names nothing: 404, the same as an id that does not exist. */
export function parseId(value: unknown, what = 'resource'): string {
  const r = idSchema.safeParse(value);
  if (!r.success) throw new AppError('not_found', `No such ${what}.`);
  return r.data;
}
