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
import type { User } from '../users/user.entity';

@Entity('branches')
@Index('branches_name_key', { synchronize: false })
@Index('branches_code_key', { synchronize: false })
@Index('branches_manager_id_idx', ['managerId'])
export class Branch {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 20 }) code: string;
  @Column({ type: 'text' }) address: string;
  @Column({ type: 'varchar', length: 30, nullable: true }) phoneNumber: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) email: string | null;
  @Column({ type: 'uuid', nullable: true }) managerId: string | null;
  @ManyToOne('User', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id', foreignKeyConstraintName: 'branches_manager_id_fkey' })
  manager?: User | null;
  /** numeric(9,6) arrives from pg as a string; kept as text inside the server. */
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true }) latitude: string | null;
  @Column({ type: 'numeric', precision: 9, scale: 6, nullable: true }) longitude: string | null;
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
