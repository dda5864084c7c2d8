// Characters no field of this service may carry: NUL and the other C0 control characters
// (tab, line feed and carriage return excepted), DEL, lone UTF-16 surrogates (they have no
// UTF-8 form: PostgreSQL and the record's canonical JSON cannot hold them), and the Unicode
// non-characters (U+FDD0–U+FDEF and the last two code points of every plane). Refused at the
// HTTP boundary, in every string and every object key of every JSON body and query string,
// with 400 validation_failed naming the field.
import type { RequestHandler } from 'express';
import { AppError } from '../errors.ts';

const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\p{Surrogate}\p{Noncharacter_Code_Point}]/u;

/** The first forbidden character of `s` as U+XXXX, or undefined when there is none. */
export function forbiddenCharacter(s: string): string | undefined {
  const m = FORBIDDEN.exec(s);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/** The dotted path and character of the first forbidden character in a parsed JSON value. */
export function findForbidden(value: unknown): { field: string; character: string } | undefined {
  // Iterative, so a deeply nested body cannot overflow the stack.
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const character = forbiddenCharacter(v);
      if (character) return { field: path, character };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: path ? `${path}.${i}` : String(i) });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        const character = forbiddenCharacter(k);
        if (character) return { field: at, character };
        stack.push({ v: child, path: at });
      }
    }
  }
  return undefined;
}

export const refuseForbiddenCharacters: RequestHandler = (req, _res, next) => {
  const bad = findForbidden(req.body) ?? findForbidden(req.query);
  if (bad) {
    throw new AppError(
      'validation_failed',
      `The field "${bad.field || 'body'}" contains ${bad.character}, a character that is not allowed (a control character, a lone surrogate or a Unicode non-character).`,
      { field: bad.field || 'body' },
    );
  }
  next();
};
