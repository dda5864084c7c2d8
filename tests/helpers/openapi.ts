// openapi.yaml as a test oracle: every response an API test receives is checked against the
// documented schema for its route and status, and the routes express serves must be exactly
// the documented ones.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

export const spec: Json = YAML.parse(readFileSync(fileURLToPath(new URL('../../openapi.yaml', import.meta.url)), 'utf8'));

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema({ $id: 'openapi', components: spec.components });

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  regex: new RegExp('^' + template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
}));

export function findTemplate(path: string): string | undefined {
  return templates.find((t) => t.regex.test(path))?.template;
}

/** Rewrites local $refs so they resolve inside the schema registered as 'openapi'. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node && typeof node === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi${v}` : rebase(v);
    return out;
  }
  return node;
}

function deref(node: Json): Json {
  let n = node;
  while (n && typeof n.$ref === 'string') {
    const parts = n.$ref.slice(2).split('/');
    n = parts.reduce((o: Json, k: string) => o[k], spec);
  }
  return n;
}

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

export function checkResponse(method: string, path: string, status: number, contentType: string | null, body: unknown): void {
  const template = findTemplate(path);
  if (!template) {
    if (status === 404 && (body as Json)?.code === 'route_not_found') return;
    throw new Error(`openapi.yaml has no path for ${method} ${path}`);
  }
  const op = spec.paths[template][method.toLowerCase()];
  if (!op) {
    if (status === 404 && (body as Json)?.code === 'route_not_found') return;
    throw new Error(`openapi.yaml has no ${method} for ${template}`);
  }
  const response = op.responses[String(status)] ?? op.responses.default;
  if (!response) throw new Error(`openapi.yaml documents no ${status} for ${method} ${template}`);
  const resolved = deref(response);
  if (!resolved.content) return;
  const media = (contentType ?? '').split(';')[0]!.trim();
  const content = resolved.content[media];
  if (!content) throw new Error(`openapi.yaml documents no ${media} body for ${status} ${method} ${template}`);
  const key = `${method} ${template} ${status} ${media}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rebase(content.schema) as Json);
    compiled.set(key, validate);
  }
  if (!validate(body)) {
    throw new Error(
      `response to ${method} ${path} (${status}) does not match openapi.yaml: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}

/** Every route express serves, as "method /openapi/{template}". */
export function expressRoutes(app: any): string[] {
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) out.push(`${m} ${String(layer.route.path).replace(/:([A-Za-z]+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk(app.router.stack);
  return out.sort();
}

export function specRoutes(): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries<Json>(spec.paths)) {
    for (const m of ['get', 'post', 'put', 'patch', 'delete']) if (item[m]) out.push(`${m} ${path}`);
  }
  return out.sort();
}
