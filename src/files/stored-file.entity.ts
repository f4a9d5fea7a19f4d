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
  VersionColumn,
} from 'typeorm';
import { CustomerApplication } from '../applications/application.entity';
import { Folder } from '../folders/folder.entity';
import { User } from '../users/user.entity';

/**
 * A document stored in S3 (`file_path` is the object key the server chose). A file goes with
 * its application (ON DELETE CASCADE) and leaves a deleted folder (SET NULL). The relations
 * mirror the migration's foreign keys (for `migration:generate`); they are never loaded
 * unless asked.
 */
@Entity('files')
@Unique('files_file_path_key', ['filePath'])
@Index('files_application_id_idx', ['applicationId', 'documentType'])
@Index('files_folder_id_idx', ['folderId'])
@Index('files_uploaded_by_idx', ['uploadedBy'])
@Index('files_application_size_idx', { synchronize: false })
@Check('files_file_size_check', `file_size >= 0`)
export class StoredFile {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 255 }) filename: string;
  @Column({ type: 'varchar', length: 255 }) originalFilename: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) displayName: string | null;
  @Column({ type: 'varchar', length: 1024 }) filePath: string;
  /** bigint comes back from pg as a string. */
  @Column({ type: 'bigint' }) fileSize: string;
  @Column({ type: 'varchar', length: 100 }) mimeType: string;
  @Column({ type: 'char', length: 64, nullable: true }) sha256: string | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) documentType: string | null;
  @Column({ type: 'uuid', nullable: true }) uploadedBy: string | null;
  @ManyToOne(() => User)
  @JoinColumn({ name: 'uploaded_by', foreignKeyConstraintName: 'files_uploaded_by_fkey' })
  uploader?: User | null;
  @Column({ type: 'uuid', nullable: true }) applicationId: string | null;
  @ManyToOne(() => CustomerApplication, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'files_application_id_fkey' })
  application?: CustomerApplication | null;
  @Column({ type: 'uuid', nullable: true }) folderId: string | null;
  @ManyToOne(() => Folder, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'folder_id', foreignKeyConstraintName: 'files_folder_id_fkey' })
  folder?: Folder | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
