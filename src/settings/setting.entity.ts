import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { User } from '../users/user.entity';

/**
 * TypeORM sends a JavaScript null as SQL NULL, which the NOT NULL column refuses; a setting's
 * value may be the JSON `null`. This stands in for it and serialises as `null`.
 */
const JSON_NULL = { toJSON: () => null };
const jsonValue = {
  to: (value: unknown) => (value === null ? JSON_NULL : value),
  from: (value: unknown) => value,
};

@Entity('settings')
@Unique('settings_key_unique', ['key'])
@Index('settings_category_idx', ['category', 'key'])
@Index('settings_created_by_idx', ['createdBy'])
@Index('settings_updated_by_idx', ['updatedBy'])
export class Setting {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 100 }) key: string;
  /** Any JSON value (jsonb), `null` included. */
  @Column({ type: 'jsonb', transformer: jsonValue }) value: unknown;
  @Column({ type: 'varchar', length: 50, default: 'general' }) category: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'boolean', default: false }) isPublic: boolean;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'settings_created_by_fkey' })
  creator?: User | null;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'updated_by', foreignKeyConstraintName: 'settings_updated_by_fkey' })
  updater?: User | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
