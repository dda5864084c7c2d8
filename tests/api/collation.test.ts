import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collationRouter } from '../../src/http/routes/collation.ts';
import { isAppError } from '../../src/errors.ts';

let server: ReturnType<express.Express['listen']>;
let base = '';

beforeAll(async () => {
  const app = express();
  app.use(express.json({ limit: '2mb' }));
  app.use(collationRouter());
  app.use((e: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (isAppError(e)) res.status(e.status).json({ code: e.code, field: e.field, detail: e.message });
    else res.status(500).json({ code: 'internal' });
  });
  await new Promise<void>((resolve) => {
    server = app.listen(0, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: unknown) =>
  fetch(`${base}/v1/collation/stroke-order`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('POST /v1/collation/stroke-order', () => {
  it('returns the names in surname stroke order by default', async () => {
    const res = await post({ names: ['王小洪', '万立骏', '王毅', '于伟国'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ names: ['于伟国', '万立骏', '王毅', '王小洪'], unknownCharacters: [], fallbacks: [] });
  });
  it('uses the fullname convention when asked', async () => {
    const res = await post({ names: ['王毅', '王小洪'], convention: 'fullname' });
    expect(await res.json()).toEqual({ names: ['王小洪', '王毅'], unknownCharacters: [], fallbacks: [] });
  });
  it('reports unknown characters', async () => {
    const res = await post({ names: ['刘𬇖'] });
    expect(await res.json()).toEqual({
      names: ['刘𬇖'],
      unknownCharacters: ['𬇖'],
      fallbacks: [{ index: 0, name: '刘𬇖', characters: [{ character: '𬇖', basis: 'count-only', strokes: 6 }] }],
    });
  });
  it('reports for each name the characters placed by a derived sequence or by count only, by position in the sorted list', async () => {
    const res = await post({ names: ['王毅', '刘𬇖', '马騑', '吴忠和', '吴安邦宁'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      names: ['马騑', '王毅', '刘𬇖', '吴安邦宁', '吴忠和'],
      unknownCharacters: ['𬇖'],
      fallbacks: [
        { index: 0, name: '马騑', characters: [{ character: '騑', basis: 'derived', strokes: 11 }] },
        { index: 2, name: '刘𬇖', characters: [{ character: '𬇖', basis: 'count-only', strokes: 6 }] },
      ],
    });
  });
  it('accepts exactly 3,000 names, a committee roster at its largest', async () => {
    const res = await post({ names: Array.from({ length: 3000 }, () => '王毅') });
    expect(res.status).toBe(200);
  });
  it('accepts exactly 30,000 characters in all, counted in code points', async () => {
    // 3,000 names of 10 characters, the last one of each outside the BMP (two UTF-16 units).
    const res = await post({ names: Array.from({ length: 3000 }, () => '王'.repeat(9) + '𬇖') });
    expect(res.status).toBe(200);
  });
  const refused: [string, unknown, string][] = [
    ['when there are more than 3,000 names', { names: Array.from({ length: 3001 }, () => '王毅') }, 'names'],
    ['when the names have more than 30,000 characters in all (469 × 64)', { names: Array.from({ length: 469 }, () => '王'.repeat(64)) }, 'names'],
    ['when a name is empty', { names: ['王毅', '', '丁'] }, 'names.1'],
    ['when a name is blank', { names: ['王毅', '丁', '　 '] }, 'names.2'],
    ['when a name is longer than 64 characters', { names: ['王'.repeat(65)] }, 'names.0'],
    ['when a name is not a string', { names: ['王毅', 7] }, 'names.1'],
    ['when names is missing', {}, 'names'],
    ['when the convention is unknown', { names: ['王毅'], convention: 'pinyin' }, 'convention'],
    ['when the body has an unknown field', { names: ['王毅'], order: 'asc' }, 'order'],
    ['when the body is not an object', ['王毅'], 'body'],
  ];
  for (const [when, body, field] of refused) {
    it(`refuses with validation_failed ${when}`, async () => {
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { code: string; field: string };
      expect(json.code).toBe('validation_failed');
      expect(json.field).toBe(field);
    });
  }
});
