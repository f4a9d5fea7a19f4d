import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { CustomerApplication } from '../applications/application.entity';
import { User } from '../users/user.entity';

/** The folders every new application gets (SPEC §7). */
export const DEFAULT_FOLDERS = [
  'borrower-documents',
  'guarantor-documents',
  'collateral-documents',
];

/**
 * A folder of documents: a tree, usually under an application. A folder goes with its parent
 * and with its application (ON DELETE CASCADE). The relations mirror the migration's foreign
 * keys (for `migration:generate`); they are never loaded unless asked.
 */
@Entity('folders')
@Index('folders_parent_id_idx', ['parentId'])
@Index('folders_application_id_idx', ['applicationId'])
@Index('folders_created_by_idx', ['createdBy'])
// Names unique among siblings, ignoring case (an expression index: migration Documents).
@Index('folders_sibling_name_key', { synchronize: false })
export class Folder {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'uuid', nullable: true }) parentId: string | null;
  @ManyToOne(() => Folder, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'folders_parent_id_fkey' })
  parent?: Folder | null;
  @Column({ type: 'uuid', nullable: true }) applicationId: string | null;
  @ManyToOne(() => CustomerApplication, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'folders_application_id_fkey' })
  application?: CustomerApplication | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  /** One of an application's DEFAULT_FOLDERS: may be renamed, never deleted (even once renamed). */
  @Column({ type: 'boolean', default: false }) isDefault: boolean;
  @ManyToOne(() => User)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'folders_created_by_fkey' })
  creator?: User | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
