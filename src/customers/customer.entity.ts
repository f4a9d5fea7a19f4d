import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

/**
 * A borrower. Properties are named as the API's fields (snake_case), so the contract's field
 * lists map one to one. `id_number` holds ciphertext (FieldCipher, authenticated with the row
 * id, which is why the server chooses ids) and `id_number_hash` its blind index.
 */
@Entity('customers')
export class Customer {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 20, insert: false, update: false }) customer_code: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) full_name_khmer: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) full_name_latin: string | null;
  @Column({ type: 'varchar', length: 50 }) id_card_type: string;
  @Column({ type: 'text' }) id_number: string;
  @Column({ type: 'char', length: 64 }) id_number_hash: string;
  @Column({ type: 'varchar', length: 30, nullable: true }) phone: string | null;
  @Column({ type: 'date', nullable: true }) date_of_birth: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) sex: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) marital_status: string | null;
  @Column({ type: 'text', nullable: true }) current_address: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) province: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) district: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) commune: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) village: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) occupation: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) employer_name: string | null;
  /** numeric(15,2): a decimal string, never a float. */
  @Column({ type: 'numeric', precision: 15, scale: 2, nullable: true })
  monthly_income: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) income_source: string | null;
  @Column({ type: 'uuid', nullable: true }) branch_id: string | null;
  @Column({ type: 'uuid', nullable: true }) department_id: string | null;
  @Column({ type: 'uuid', nullable: true }) created_by: string | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) created_at: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updated_at: Date;
}
