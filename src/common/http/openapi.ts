import { applyDecorators, INestApplication } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  DocumentBuilder,
  getSchemaPath,
  type OpenAPIObject,
  type OperationObject,
  type ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import type { ApplicationConfig } from '../../config/app-config';

class FieldErrorDto {
  @ApiProperty({ example: ['body', 'email'], type: [String] }) loc: (string | number)[];
  @ApiProperty({ example: 'must be an email' }) msg: string;
  @ApiProperty({ example: 'isEmail' }) type: string;
}

export class ProblemDocumentDto {
  @ApiProperty({ example: 'about:blank' }) type: string;
  @ApiProperty({ example: 'Conflict' }) title: string;
  @ApiProperty({ example: 409 }) status: number;
  @ApiProperty({ example: 'Another user with the same email already exists.' }) detail: string;
  @ApiPropertyOptional({ example: '/api/v1/users' }) instance?: string;
  @ApiPropertyOptional({ example: '8b5b0c2e-...' }) request_id?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Only on 422' })
  errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (e.g. body is not JSON)',
  401: 'Missing, invalid or expired access token',
  403: 'Your role may not do this',
  404: 'Not found, or outside your scope',
  409: 'Conflict with the current state (duplicate, illegal transition, concurrent change)',
  412: 'If-Match names a stale version',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Invalid input; `errors` lists each problem',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency is down',
};

/** The OpenAPI extension that @Public() sets on an operation; the document says `security: []`. */
export const PUBLIC_OPERATION = 'x-public';

function problemResponseObject(status: number, description?: string): ResponseObject {
  return {
    description: description ?? DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? '',
    content: {
      'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDocumentDto) } },
    },
  };
}

function problemResponse(status: number, description?: string) {
  return ApiResponse({ status, ...problemResponseObject(status, description) });
}

/** A response whose body is the bytes of a file, of type `mimeType`. */
export function ApiFileResponse(status: number, mimeType: string, description: string) {
  return ApiResponse({
    status,
    description,
    content: { [mimeType]: { schema: { type: 'string', format: 'binary' } } },
  });
}

/** Declares the problem-document answers a route can give. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDocumentDto),
    ...statuses.map((status) => problemResponse(status)),
  );
}

/** A route that hashes a password: overload answers 503 at once (PasswordHasher). */
export function ApiPasswordHashing() {
  return applyDecorators(
    ApiExtraModels(ProblemDocumentDto),
    problemResponse(
      503,
      'Overload: too many passwords are being checked right now (type ' +
        '`urn:lc-workflow:problem:server-busy`, `Retry-After: 1`); retry after a second',
    ),
  );
}

/**
 * The OpenAPI document of `app` (created, with its global prefix set, but not necessarily
 * initialised: `npm run openapi` builds it from a preview application that connects to
 * nothing). The one way the document is made, for /docs-json and for openapi.json alike.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  appConfig: Pick<ApplicationConfig, 'name' | 'version'>,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(appConfig.name)
    .setDescription(
      'Loan-origination workflow API. Errors are RFC 9457 problem documents ' +
        '(`application/problem+json`). Lists are paginated with `page` and `size` (max 100). ' +
        'Operations with `security: []` are public; all others need a bearer access token.',
    )
    .setVersion(appConfig.version)
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'Username (or email) and password',
        flows: { password: { tokenUrl: '/api/v1/auth/login', scopes: {} } },
      },
      'oauth2',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '').toLowerCase()}_${methodKey}`,
    extraModels: [ProblemDocumentDto],
  });
  document.paths['/health'] = {
    get: {
      operationId: 'health_liveness',
      summary: 'Liveness: the process answers (touches no dependency)',
      tags: ['Health'],
      security: [],
      responses: { '200': { description: '`{"status": "ok"}`' } },
    },
  };
  completeOperations(document);
  return document;
}

/** Routes of the platform (probes, scrapes, the service's name): documented as they are. */
const PLATFORM_PATHS = new Set(['/', '/health', '/api/v1/health', '/metrics']);
const JSON_OR_FORM = /^application\/(json|x-www-form-urlencoded)$/;

/**
 * What every operation gets from the platform rather than from its own decorators: public
 * routes (@Public()) say `security: []`; the problem answers that the guards, pipes and body
 * parsers give any route are listed (429 always; 401 and 503 when it needs a session, which is
 * read from PostgreSQL; 413 and 422 for a body, 400 for a JSON or form one; 404 and 422 for a
 * path parameter). Descriptions merged from repeated decorators are said once.
 */
function completeOperations(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const extensions = operation as unknown as Record<string, unknown>;
      if (extensions[PUBLIC_OPERATION]) {
        delete extensions[PUBLIC_OPERATION];
        operation.security = [];
      }
      if (!PLATFORM_PATHS.has(path)) addPlatformProblems(operation);
    }
  }
}

function addPlatformProblems(operation: OperationObject): void {
  const statuses = new Set([429]);
  if (operation.security?.length) [401, 503].forEach((status) => statuses.add(status));
  const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
  if (body) {
    [413, 422].forEach((status) => statuses.add(status));
    if (Object.keys(body.content ?? {}).some((type) => JSON_OR_FORM.test(type))) statuses.add(400);
  }
  const parameters = (operation.parameters ?? []) as { in?: string }[];
  if (parameters.some((parameter) => parameter.in === 'path')) {
    [404, 422].forEach((status) => statuses.add(status));
  }
  for (const status of statuses) {
    operation.responses[status] ??= problemResponseObject(status);
  }
  for (const response of Object.values(operation.responses) as ResponseObject[]) {
    const paragraphs = (response.description ?? '').split('\n\n');
    response.description = [...new Set(paragraphs)].join('\n\n');
  }
}

/**
 * Swagger UI at /docs, JSON at /docs-json (unless DOCS_ENABLED=false); "Authorize" logs in
 * through /api/v1/auth/login.
 */
export function setupOpenApi(app: INestApplication, appConfig: ApplicationConfig): void {
  // Operators may hide the docs (DOCS_ENABLED=false); integrators have them by default.
  if (!appConfig.docsEnabled) return;
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, appConfig), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}

/** OpenAPI: the route honours If-Match (412 when stale). */
export const ApiIfMatch = (
  description = 'The ETag (`"<version>"`) you read; when the record has changed since, 412.',
) => ApiHeader({ name: 'If-Match', required: false, description });
