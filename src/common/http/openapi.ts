import { applyDecorators, INestApplication } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  DocumentBuilder,
  getSchemaPath,
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

function problemResponse(status: number, description?: string) {
  return ApiResponse({
    status,
    description: description ?? DESCRIPTIONS[status] ?? STATUS_CODES[status],
    content: {
      'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDocumentDto) } },
    },
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
 * Swagger UI at /docs, JSON at /docs-json (unless DOCS_ENABLED=false); "Authorize" logs in
 * through /api/v1/auth/login.
 */
export function setupOpenApi(app: INestApplication, appConfig: ApplicationConfig): void {
  // Operators may hide the docs (DOCS_ENABLED=false); integrators have them by default.
  if (!appConfig.docsEnabled) return;
  const config = new DocumentBuilder()
    .setTitle(appConfig.name)
    .setDescription(
      'Loan-origination workflow API. Errors are RFC 9457 problem documents ' +
        '(`application/problem+json`). Lists are paginated with `page` and `size` (max 100).',
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
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}

/** OpenAPI: the route honours If-Match (412 when stale). */
export const ApiIfMatch = (
  description = 'The ETag (`"<version>"`) you read; when the record has changed since, 412.',
) => ApiHeader({ name: 'If-Match', required: false, description });
