import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * One row of the append-only audit trail (UPDATE, DELETE and TRUNCATE are refused by
 * triggers). Actor name and role are copied, without foreign keys, so history survives
 * any deletion. The indexes (newest first, one per filter) are written in the migration.
 */
@Entity('audit_events')
@Index('audit_events_occurred_at_idx', { synchronize: false })
@Index('audit_events_entity_idx', { synchronize: false })
@Index('audit_events_actor_idx', { synchronize: false })
@Index('audit_events_action_idx', { synchronize: false })
@Index('audit_events_branch_idx', { synchronize: false })
@Index('audit_events_department_idx', { synchronize: false })
@Index('audit_events_status_changes_idx', { synchronize: false })
@Index('audit_events_status_changes_time_idx', { synchronize: false })
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) occurredAt: Date;
  @Column({ type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) actorName: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) actorRole: string | null;
  @Column({ type: 'varchar', length: 100 }) action: string;
  @Column({ type: 'varchar', length: 50, nullable: true }) entityType: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) entityId: string | null;
  @Column({ type: 'uuid', nullable: true }) branchId: string | null;
  @Column({ type: 'uuid', nullable: true }) departmentId: string | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) fromStatus: string | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) toStatus: string | null;
  @Column({ type: 'jsonb', default: {} }) details: object;
  @Column({ type: 'varchar', length: 128, nullable: true }) requestId: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) ip: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
