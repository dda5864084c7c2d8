import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { expressRoutes, spec, specRoutes } from '../helpers/openapi.ts';

describe('openapi.yaml', () => {
  it('documents exactly the routes express serves', () => {
    const app = createApp({ config: loadConfig({}), db: {}, keys: {}, log: { info() {}, error() {} }, now: () => new Date() } as unknown as AppContext);
    expect(specRoutes()).toEqual(expressRoutes(app));
  });

  it('is OpenAPI 3.1 with an operationId on every operation', () => {
    expect(spec.openapi).toBe('3.1.0');
    const ids = specRoutes().map((r) => {
      const [m, p] = r.split(' ');
      return spec.paths[p!][m!].operationId;
    });
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the response check itself', () => {
  it('rejects a body that does not match the documented schema', async () => {
    const { checkResponse } = await import('../helpers/openapi.ts');
    expect(() => checkResponse('GET', '/healthz', 200, 'application/json', { status: 'fine' })).toThrow(/does not match/);
    expect(() => checkResponse('GET', '/healthz', 418, 'application/json', {})).toThrow(/documents no 418/);
    expect(() => checkResponse('GET', '/healthz', 200, 'application/json', { status: 'ok' })).not.toThrow();
  });
});
