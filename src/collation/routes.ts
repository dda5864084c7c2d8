// POST /v1/collation/stroke-order: sort a list of names in stroke order. Public, no state.
import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../http/validate.ts';
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

export function collationRouter(): Router {
  const router = Router();
  router.post('/v1/collation/stroke-order', (req, res) => {
    const { names, convention } = parseBody(strokeOrderRequestSchema, req.body);
    res.status(200).json(sortNames(names, convention ?? 'surname'));
  });
  return router;
}
