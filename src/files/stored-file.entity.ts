import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

/** A document stored in S3 (`file_path` is the object key the server chose). */
@Entity('files')
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
  @Column({ type: 'uuid', nullable: true }) applicationId: string | null;
  @Column({ type: 'uuid', nullable: true }) folderId: string | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
