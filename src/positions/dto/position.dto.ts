import { ApiProperty } from '@nestjs/swagger';
import type { Position } from '../position.entity';

export class PositionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ description: 'Send back in If-Match; also the ETag.' }) version: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export function toPositionDto(position: Position): PositionDto {
  return {
    id: position.id,
    name: position.name,
    description: position.description,
    is_active: position.isActive,
    version: position.version,
    created_at: position.createdAt.toISOString(),
    updated_at: position.updatedAt.toISOString(),
  };
}
