import { z } from 'zod';
import type { ApiRouteDoc, ResponseDoc, RouteSecurity } from './route-doc.js';

/**
 * The OpenAPI 3.1 document of every `/api` route, generated from the routes' own docs
 * (route-doc.ts). OpenAPI 3.1 schemas are JSON Schema 2020-12, which is zod's own JSON Schema
 * target, so each schema goes in as zod writes it; only the `$schema` key is dropped (a schema
 * object inside a document takes the document's dialect).
 */

// Why: docs/decisions/0021-openapi-from-zod.md
type JsonSchema = Record<string, unknown>;

export interface DocumentInfo {
  version: string;
  serverUrl: string;
}

/** The request side of a schema: what a caller may send (defaults optional, transforms' inputs). */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function outputJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

/** `/api/tickets/:ref` → `/api/tickets/{ref}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function isOptional(field: z.ZodType): boolean {
  return field.safeParse(undefined).success;
}

function parameters(where: 'path' | 'query', shape: z.ZodObject | undefined, route: ApiRouteDoc) {
  if (!shape) return [];
  return Object.entries(shape.shape).map(([name, field]) => {
    const f = field as z.ZodType;
    const example = where === 'path' ? route.paramsExample?.[name] : route.queryExample?.[name];
    return {
      name,
      in: where,
      required: where === 'path' || !isOptional(f),
      ...(f.description !== undefined ? { description: f.description } : {}),
      schema: inputJsonSchema(f),
      ...(example !== undefined ? { example } : {}),
    };
  });
}

function response(r: ResponseDoc) {
  if (!r.schema && r.example === undefined && !r.contentType) return { description: r.description };
  const contentType = r.contentType ?? 'application/json';
  return {
    description: r.description,
    content: {
      [contentType]: {
        schema: r.schema ? outputJsonSchema(r.schema) : contentType === 'text/csv' ? { type: 'string' } : {},
        ...(r.example !== undefined ? { example: r.example } : {}),
      },
    },
  };
}

const SECURITY: Readonly<Record<RouteSecurity, Record<string, string[]>[]>> = {
  apiToken: [{ apiToken: [] }],
  apiTokenOrSession: [{ apiToken: [] }, { session: [] }],
  none: [],
};

export function buildOpenApiDocument(routes: readonly ApiRouteDoc[], info: DocumentInfo) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new Error(`Two docs for ${route.method.toUpperCase()} ${route.path}`);
    const params = [...parameters('path', route.params, route), ...parameters('query', route.query, route)];
    item[route.method] = {
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      ...(route.description !== undefined || route.roles
        ? {
            description: [route.description, route.roles ? `Roles: ${route.roles.join(', ')}.` : undefined]
              .filter(Boolean)
              .join('\n\n'),
          }
        : {}),
      tags: [route.tag],
      security: SECURITY[route.security],
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                [route.body.contentType]: {
                  schema: inputJsonSchema(route.body.schema),
                  ...(route.body.example !== undefined ? { example: route.body.example } : {}),
                },
              },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => [status, response(r)]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'verisat API',
      version: info.version,
      description:
        'Ticket events in, verified satisfaction out. Every route below is generated from the schema that validates it. Errors share one shape: `{ error, message, details? }`.',
    },
    servers: [{ url: info.serverUrl }],
    tags: [...new Set(routes.map((r) => r.tag))].sort().map((name) => ({ name })),
    components: {
      securitySchemes: {
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token made on /admin/tokens, sent as `Authorization: Bearer <token>`.',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'verisat_session',
          description:
            'A signed-in session (the pages use it); state-changing calls also need the CSRF token.',
        },
      },
    },
    paths,
  };
}
