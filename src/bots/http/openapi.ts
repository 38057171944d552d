/** The HTTP API described as OpenAPI 3.1, served at /v1/openapi.json (src/bots/http/api.ts). */
import { LIST_CODES } from '../../core/lists';

const error = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: ({ 400: 'a bad parameter, named', 401: 'missing or wrong API key', 413: 'body or batch over the limit', 503: 'no list data loaded (never a false "no match")' } as Record<number, string>)[c] ?? 'error',
        content: { 'application/json': { schema: error } },
      },
    ]),
  );

export function openApiDocument(): Record<string, unknown> {
  const listParam = {
    name: 'list',
    in: 'query',
    description: 'Only these lists (comma-separated codes, or the parameter repeated).',
    schema: { type: 'string', examples: ['US-BIS-EL,US-OFAC-SDN'] },
  };
  const sideParam = { name: 'side', in: 'query', description: "Only one side's lists.", schema: { type: 'string', enum: ['us', 'cn'] } };
  return {
    openapi: '3.1.0',
    info: {
      title: 'sanctions-bot screening API',
      version: '1',
      description:
        'Screen names against US and Chinese sanctions and export-control lists. The JSON is the contract of the `sanctions` CLI (`lookup --json`, `lists --json`, `events --json`). Every lookup answer says what it searched and how fresh the data is (`searched`, `as_of`, `warnings`).',
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API_KEY, when the server sets one (also accepted as X-API-Key).' } },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
        LookupResponse: {
          type: 'object',
          required: ['query', 'results', 'total', 'searched', 'as_of', 'warnings'],
          properties: {
            query: { type: 'string' },
            total: { type: 'integer', description: 'All matches; results is one page of them.' },
            offset: { type: 'integer' },
            results: { type: 'array', items: { $ref: '#/components/schemas/Party' } },
            review: { type: 'array', items: { $ref: '#/components/schemas/Party' }, description: 'With review=true: parties in the review band, below the threshold.' },
            searched: { type: 'array', items: { type: 'object', description: 'Each list searched: list, as_of, sources, freshness, problem.' } },
            as_of: { type: ['string', 'null'] },
            warnings: { type: 'array', items: { type: 'string' } },
            outside_filter: { type: 'integer' },
          },
        },
        Party: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            aliases: { type: 'array', items: { type: 'string' } },
            type: { type: 'string' },
            countries: { type: 'array', items: { type: 'string' } },
            score: { type: 'number' },
            standing: { type: 'string', enum: ['listed', 'suspended', 'delisted'] },
            match: { type: 'object', properties: { name: { type: 'string' }, how: { type: 'string' } } },
            designations: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  list: { type: 'string', enum: [...LIST_CODES] },
                  status: { type: 'string', enum: ['active', 'removed', 'suspended'] },
                  since: { type: 'string' },
                  until: { type: 'string' },
                  source: { type: 'string' },
                  citation: { type: 'string' },
                  url: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/lookup': {
        get: {
          summary: 'Look up one name',
          parameters: [
            { name: 'q', in: 'query', required: true, description: 'The name (any script; the chat question forms work too).', schema: { type: 'string' } },
            listParam,
            sideParam,
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
            { name: 'review', in: 'query', description: 'Also return the parties in the review band.', schema: { type: 'boolean' } },
          ],
          responses: { '200': { description: 'The lookup answer', content: { 'application/json': { schema: { $ref: '#/components/schemas/LookupResponse' } } } }, ...errors(400, 401, 503) },
        },
      },
      '/v1/batch': {
        post: {
          summary: 'Look up many names: JSON lines in, JSON lines out, in order',
          parameters: [listParam, sideParam, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } }],
          requestBody: {
            required: true,
            description: 'One JSON value per line: a string (the name) or {"q", "list"?, "side"?, "limit"?, "page"?}. Limits: API_MAX_BODY_BYTES, 5,000 lines.',
            content: { 'application/x-ndjson': { schema: { type: 'string' }, example: '"Huawei"\n{"q": "海康威视", "side": "us"}\n' } },
          },
          responses: {
            '200': { description: 'One LookupResponse per line, or {"line", "error"} for a line that cannot be read', content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
            ...errors(400, 401, 413, 503),
          },
        },
      },
      '/v1/lists': {
        get: { summary: 'The lists with counts and last refresh (as `sanctions lists --json`)', responses: { '200': { description: 'One object per list', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } }, ...errors(401) } },
      },
      '/v1/events': {
        get: {
          summary: 'Change events after an id, in order (as `sanctions events --json`); X-Next-Since gives the id to ask from next',
          parameters: [
            { name: 'since', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 } },
          ],
          responses: { '200': { description: 'Events', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } } }, ...errors(400, 401) },
        },
      },
      '/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
  };
}
