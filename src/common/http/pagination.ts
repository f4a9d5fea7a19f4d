import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { toInteger, ToInteger } from './transforms';

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 10;

/** `page` (from 1) and `size` (default 10; larger than 100 is clamped to 100). */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    description: `Larger values are clamped to ${MAX_PAGE_SIZE}; the response says the size used.`,
  })
  @Transform(({ value }) => {
    const size = toInteger(value);
    return typeof size === 'number' && size > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : size;
  })
  @IsInt()
  @Min(1)
  size: number = DEFAULT_PAGE_SIZE;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
  pages: number;
}

/** The rows to skip and take for a page query, ready for TypeORM. */
export function pageWindow(query: PageQuery): { skip: number; take: number } {
  return { skip: (query.page - 1) * query.size, take: query.size };
}

/** The one response envelope of every paginated list. */
export function pageOf<T>(items: T[], total: number, query: PageQuery): Page<T> {
  return { items, total, page: query.page, size: query.size, pages: Math.ceil(total / query.size) };
}

class PageMetaDto {
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() size: number;
  @ApiProperty() pages: number;
}

/** OpenAPI: a 200 answer holding a page of `item`. */
export function ApiPageResponse(item: Type<unknown>, description?: string) {
  return applyDecorators(
    ApiExtraModels(PageMetaDto, item),
    ApiOkResponse({
      description,
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageMetaDto) },
          {
            properties: { items: { type: 'array', items: { $ref: getSchemaPath(item) } } },
            required: ['items'],
          },
        ],
      },
    }),
  );
}
