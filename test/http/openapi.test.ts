import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouteDocs } from '../../src/api-docs.js';
import { createApp } from '../../src/app.js';
import { openApiPath } from '../../src/http/openapi/document.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;
let admin: string;

beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.token('admin');
});
afterAll(async () => {
  await sys.stop();
});

interface Layer {
  /** True for a router used at the root; a router mounted under a prefix (the stand-in's /__twilio) is not ours to document. */
  slash?: boolean;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD /api/...` route the app's routers declare, walking nested routers. */
function answeredRoutes(): Set<string> {
  const app = createApp(sys.ctx) as unknown as { router: { stack: Layer[] } };
  const found = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string' && layer.route.path.startsWith('/api')) {
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') found.add(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack && layer.slash) walk(layer.handle.stack);
    }
  };
  walk(app.router.stack);
  return found;
}

async function documentFromServer() {
  const res = await fetch(`${sys.baseUrl}/api/openapi.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
}

describe('GET /api/openapi.json', () => {
  it('is served without a token and validates as OpenAPI 3.1 with an independent validator', async () => {
    const doc = await documentFromServer();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every /api route the app answers, and no route it does not', async () => {
    const answered = answeredRoutes();
    // The walk must see the app's real routes, or the comparison below proves nothing.
    expect(answered).toContain('POST /api/tickets/:ref/events');
    expect(answered.size).toBeGreaterThan(30);
    const doc = await documentFromServer();
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const missing = [...answered].map((r) =>
      r.replace(/^(\w+) (.*)$/, (_m, m: string, p: string) => `${m} ${openApiPath(p)}`),
    );
    expect(missing.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !missing.includes(r))).toEqual([]);
  });

  it('every documented example validates against the schema the route validates with', () => {
    const withExamples = apiRouteDocs.filter((r) => r.body?.example !== undefined);
    expect(withExamples.length).toBeGreaterThan(8);
    for (const r of withExamples) {
      const parsed = r.body!.schema.safeParse(r.body!.example);
      expect(parsed.success, `${r.method} ${r.path}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
    for (const r of apiRouteDocs.filter((d) => d.query && d.queryExample)) {
      const parsed = r.query!.safeParse(r.queryExample);
      expect(parsed.success, `${r.method} ${r.path} query: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });
});

describe('the document and the routes agree', () => {
  /** Sends a route's documented examples; the path's `:name` parts come from `paramsExample` or `fill`. */
  function send(doc: (typeof apiRouteDocs)[number], body: unknown, fill: Record<string, string>) {
    const path = doc.path.replace(/:(\w+)/g, (_m, name: string) =>
      encodeURIComponent(fill[name] ?? doc.paramsExample?.[name] ?? 'x'),
    );
    const query = doc.queryExample ? `?${new URLSearchParams(doc.queryExample).toString()}` : '';
    return sys.api(`${path}${query}`, {
      method: doc.method.toUpperCase(),
      token: admin,
      ...(body !== undefined ? { body } : {}),
    });
  }
  const docFor = (method: string, path: string) => {
    const d = apiRouteDocs.find((r) => r.method === method && r.path === path);
    if (!d) throw new Error(`no doc for ${method} ${path}`);
    return d;
  };

  it('the live routes accept each documented example, and refuse it with a field the schema does not have', async () => {
    const fill = { code: 'mewa', dept: 'mewa-water', agent: 'a-101', username: 'noura.manager' };
    // In dependency order: the agency before its department, the department before its agent.
    const order: [string, string][] = [
      ['post', '/api/admin/agencies'],
      ['patch', '/api/admin/agencies/:code'],
      ['post', '/api/admin/agencies/:code/departments'],
      ['patch', '/api/admin/agencies/:code/departments/:dept'],
      ['post', '/api/admin/agencies/:code/agents'],
      ['patch', '/api/admin/agencies/:code/agents/:agent'],
      ['post', '/api/admin/users'],
      ['patch', '/api/admin/users/:username'],
      ['post', '/api/admin/tokens'],
      ['post', '/api/admin/agencies/:code/webhook/secret'],
      ['post', '/api/tickets/:ref/events'],
      ['post', '/api/admin/erasures'],
      ['post', '/api/voice/handoffs'],
      ['put', '/api/imports/mappings/:agency'],
    ];
    for (const [method, path] of order) {
      const doc = docFor(method, path);
      const body = doc.body!.example as Record<string, unknown>;
      const refused = await send(doc, { ...body, notInTheSchema: 1 }, fill);
      expect([400, 422], `${method} ${path} with an unknown field`).toContain(refused.status);
      const accepted = await send(doc, body, fill);
      expect(accepted.status, `${method} ${path}: ${await accepted.clone().text()}`).toBeLessThan(300);
    }
    for (const doc of apiRouteDocs.filter((d) => d.method === 'get' && d.queryExample)) {
      const res = await send(doc, undefined, fill);
      expect(res.status, `${doc.path}?${new URLSearchParams(doc.queryExample).toString()}`).toBe(200);
    }
  });
});

describe('GET /api/docs', () => {
  it('shows every documented route to a reader, in both languages', async () => {
    for (const lang of ['ar', 'en']) {
      const res = await fetch(`${sys.baseUrl}/api/docs?lang=${lang}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`lang="${lang}"`);
      for (const r of apiRouteDocs)
        expect(html).toContain(`${r.method.toUpperCase()} ${openApiPath(r.path)}`);
    }
  });
});
