import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import type { CustomerApplication } from '../applications/application.entity';
import type { User } from '../users/user.entity';
import type { Folder } from '../folders/folder.entity';

export const UPLOAD_KINDS = ['direct', 'presigned', 'multipart'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/**
 * An object key the server is about to write, or has handed out for a client to write, until
 * its `files` row exists (migration Documents): no object is ever left without a row that
 * names it. The relations mirror the migration's foreign keys (for `migration:generate`).
 */
@Entity('upload_intents')
@Unique('upload_intents_object_key_key', ['objectKey'])
@Index('upload_intents_user_id_idx', ['userId'])
@Index('upload_intents_application_id_idx', ['applicationId'])
@Index('upload_intents_folder_id_idx', ['folderId'])
@Index('upload_intents_kind_started_at_idx', ['kind', 'startedAt'])
@Check('upload_intents_kind_check', `kind IN ('direct', 'presigned', 'multipart')`)
@Check('upload_intents_expected_size_check', `expected_size >= 0`)
export class UploadIntent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 1024 }) objectKey: string;
  @Column({ type: 'varchar', length: 20 }) kind: UploadKind;
  @Column({ type: 'uuid' }) userId: string;
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'upload_intents_user_id_fkey' })
  user?: User;
  @Column({ type: 'uuid', nullable: true }) applicationId: string | null;
  @ManyToOne('CustomerApplication', { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'application_id',
    foreignKeyConstraintName: 'upload_intents_application_id_fkey',
  })
  application?: CustomerApplication | null;
  @Column({ type: 'uuid', nullable: true }) folderId: string | null;
  @ManyToOne('Folder', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'folder_id', foreignKeyConstraintName: 'upload_intents_folder_id_fkey' })
  folder?: Folder | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) documentType: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) originalFilename: string | null;
  /** bigint comes back from pg as a string. */
  @Column({ type: 'bigint', nullable: true }) expectedSize: string | null;
  /** The S3 multipart upload id (chunked uploads). */
  @Column({ type: 'varchar', length: 1024, nullable: true, name: 's3_upload_id' })
  s3UploadId: string | null;
  @Column({ type: 'bigint', nullable: true }) partSize: string | null;
  @Column({ type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) startedAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
