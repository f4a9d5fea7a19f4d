import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

/** A client's Idempotency-Key: reserved before the handler runs, then the stored answer. */
@Entity('idempotency_keys')
@Unique('idempotency_keys_user_key_unique', ['userId', 'key'])
@Check('idempotency_keys_state_check', `state IN ('processing', 'completed')`)
@Index('idempotency_keys_expires_at_idx', ['expiresAt'])
export class IdempotencyKey {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column({ type: 'varchar', length: 255 }) key: string;
  @Column({ type: 'char', length: 64 }) requestHash: string;
  @Column({ type: 'varchar', length: 20, default: 'processing' }) state: 'processing' | 'completed';
  @Column({ type: 'integer', nullable: true }) responseStatus: number | null;
  @Column({ type: 'jsonb', nullable: true }) responseBody: object | null;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
