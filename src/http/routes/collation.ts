// POST /v1/collation/stroke-order: sort a list of names in stroke order. Public, no state.
import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../validate.ts';
import { CONVENTIONS, sortNames } from '../../collation/collate.ts';

// The largest list a committee needs: a roster of 3,000 (the most members one request adds,
// src/http/routes/committees.ts), names of up to 64 characters (a member's name on the chain), and
// 30,000 characters in all (ten a name on average: Chinese names have two to four, transliterated
// ones with · rarely more than ten). The work and the answer grow with the characters: the
// answer lists every character the data places by count only, so 30,000 of them answer about
// 1.5 MB. `npm run bench -- collation` measures the largest input.
export const MAX_NAMES = 3000;
export const MAX_NAME_LENGTH = 64;
export const MAX_TOTAL_CHARACTERS = 30_000;

const nameSchema = z
  .string()
  // Lengths count code points, so a name with characters outside the BMP is not cut short.
  .refine((s) => [...s].length >= 1, { message: 'must not be empty' })
  .refine((s) => [...s].length <= MAX_NAME_LENGTH, { message: `must be at most ${MAX_NAME_LENGTH} characters` })
  .refine((s) => s.trim().length > 0, { message: 'must not be blank' });

export const strokeOrderRequestSchema = z.strictObject({
  names: z
    .array(nameSchema)
    .max(MAX_NAMES, { message: `at most ${MAX_NAMES} names` })
    .refine((names) => names.reduce((n, name) => n + [...name].length, 0) <= MAX_TOTAL_CHARACTERS, {
      message: `at most ${MAX_TOTAL_CHARACTERS} characters in all`,
    }),
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
