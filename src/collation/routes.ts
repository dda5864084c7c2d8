// POST /v1/collation/stroke-order: sort a list of names in stroke order. Public, no state.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { CONVENTIONS, sortNames } from './collate.ts';

export const MAX_NAMES = 5000;
export const MAX_NAME_LENGTH = 64;

const nameSchema = z
  .string()
  // Lengths count code points, so a name with characters outside the BMP is not cut short.
  .refine((s) => [...s].length >= 1, { message: 'must not be empty' })
  .refine((s) => [...s].length <= MAX_NAME_LENGTH, { message: `must be at most ${MAX_NAME_LENGTH} characters` })
  .refine((s) => s.trim().length > 0, { message: 'must not be blank' });

export const strokeOrderRequestSchema = z.strictObject({
  names: z.array(nameSchema).max(MAX_NAMES, { message: `at most ${MAX_NAMES} names` }),
  convention: z.enum(CONVENTIONS as ['surname', 'fullname']).optional(),
});

/** `names[3]` style path of the first issue, for the problem document's field. */
function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

export function parseStrokeOrderRequest(body: unknown): z.infer<typeof strokeOrderRequestSchema> {
  const parsed = strokeOrderRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys[0] ?? '' : fieldOf(issue.path);
  const detail =
    issue.code === 'unrecognized_keys'
      ? `unknown field ${JSON.stringify(field)}`
      : `${field === '' ? 'body' : field}: ${issue.message}`;
  throw new AppError('validation_failed', detail, { field });
}

export function collationRouter(): Router {
  const router = Router();
  router.post('/v1/collation/stroke-order', (req, res) => {
    const { names, convention } = parseStrokeOrderRequest(req.body);
    res.status(200).json(sortNames(names, convention ?? 'surname'));
  });
  return router;
}
