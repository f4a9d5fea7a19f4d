import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

/** A folder of documents: a tree, usually under an application. */
@Entity('folders')
export class Folder {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'uuid', nullable: true }) parentId: string | null;
  @Column({ type: 'uuid', nullable: true }) applicationId: string | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
