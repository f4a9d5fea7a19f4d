import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { JsonObject } from '../common/json';

/**
 * One row of the append-only audit trail (UPDATE, DELETE and TRUNCATE are refused by
 * triggers). Actor name and role are copied, without foreign keys, so history survives
 * any deletion.
 */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) occurredAt: Date;
  @Column({ type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'varchar', nullable: true }) actorName: string | null;
  @Column({ type: 'varchar', nullable: true }) actorRole: string | null;
  @Column() action: string;
  @Column({ type: 'varchar', nullable: true }) entityType: string | null;
  @Column({ type: 'varchar', nullable: true }) entityId: string | null;
  @Column({ type: 'uuid', nullable: true }) branchId: string | null;
  @Column({ type: 'uuid', nullable: true }) departmentId: string | null;
  @Column({ type: 'varchar', nullable: true }) fromStatus: string | null;
  @Column({ type: 'varchar', nullable: true }) toStatus: string | null;
  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` }) details: JsonObject;
  @Column({ type: 'varchar', nullable: true }) requestId: string | null;
  @Column({ type: 'varchar', nullable: true }) ip: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
