import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A failed login attempt (unknown usernames too), counted for lockout on every instance. */
@Entity('login_failures')
@Index('login_failures_username_idx', { synchronize: false })
@Index('login_failures_username_ip_idx', { synchronize: false })
export class LoginFailure {
  @PrimaryGeneratedColumn('uuid') id: string;
  /**
   * What the failure counts against (lockout.ts attemptKey): `user:<id>` when the typed username
   * or email named an account, else `name:<the typed name, lower-cased>`.
   */
  @Column({ type: 'varchar', length: 255 }) usernameKey: string;
  @Column({ type: 'varchar', length: 64 }) ip: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) occurredAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
