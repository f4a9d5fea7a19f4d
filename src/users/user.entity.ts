import {
  Check,
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
import type { Branch } from '../branches/branch.entity';
import type { Role } from '../common/auth/permissions';
import type { Department } from '../departments/department.entity';
import type { Position } from '../positions/position.entity';

export type UserStatus = 'active' | 'inactive';

@Entity('users')
@Index('users_username_key', { synchronize: false })
@Index('users_email_key', { synchronize: false })
@Index('users_employee_id_key', ['employeeId'], { unique: true })
@Index('users_department_id_idx', ['departmentId'])
@Index('users_branch_id_idx', ['branchId'])
@Index('users_position_id_idx', ['positionId'])
@Index('users_role_status_idx', ['role', 'status'])
@Index('users_created_at_idx', { synchronize: false })
@Check('users_employee_id_check', `employee_id ~ '^[0-9]{4}$'`)
@Check('users_role_check', `role IN ('admin', 'manager', 'officer', 'viewer')`)
@Check('users_status_check', `status IN ('active', 'inactive')`)
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 50 }) username: string;
  @Column({ type: 'varchar', length: 255 }) email: string;
  /** bcrypt; never leaves the server (response DTOs do not carry it). */
  @Column({ type: 'varchar', length: 100 }) passwordHash: string;
  @Column({ type: 'varchar', length: 100 }) firstName: string;
  @Column({ type: 'varchar', length: 100 }) lastName: string;
  @Column({ type: 'varchar', length: 30, nullable: true }) phoneNumber: string | null;
  @Column({ type: 'varchar', length: 4, nullable: true }) employeeId: string | null;
  @Column({ type: 'varchar', length: 20 }) role: Role;
  @Column({ type: 'varchar', length: 20, default: 'active' }) status: UserStatus;
  @Column({ type: 'uuid', nullable: true }) departmentId: string | null;
  @ManyToOne('Department', { nullable: true })
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'users_department_id_fkey' })
  department?: Department | null;
  @Column({ type: 'uuid', nullable: true }) branchId: string | null;
  @ManyToOne('Branch', { nullable: true })
  @JoinColumn({ name: 'branch_id', foreignKeyConstraintName: 'users_branch_id_fkey' })
  branch?: Branch | null;
  @Column({ type: 'uuid', nullable: true }) positionId: string | null;
  @ManyToOne('Position', { nullable: true })
  @JoinColumn({ name: 'position_id', foreignKeyConstraintName: 'users_position_id_fkey' })
  position?: Position | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) profileImageUrl: string | null;
  @Column({ type: 'timestamptz', nullable: true }) lastLoginAt: Date | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
