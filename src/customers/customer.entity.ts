import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Branch } from '../branches/branch.entity';
import { Department } from '../departments/department.entity';
import { User } from '../users/user.entity';

/** The expression of the generated column `search_text`, as migration TypeormMetadata records it. */
const CUSTOMER_SEARCH_TEXT =
  "coalesce(full_name_latin, '') || ' ' || coalesce(full_name_khmer, '') || ' ' || coalesce(phone, '')";

/**
 * A borrower. Properties are named as the API's fields (snake_case), so the contract's field
 * lists map one to one. `id_number` holds ciphertext (FieldCipher, authenticated with the row
 * id, which is why the server chooses ids) and `id_number_hash` its blind index.
 *
 * The decorators mirror migration Applications1764547200000 so that `migration:generate`
 * finds no difference; the relations exist for that (they are never loaded unless asked).
 */
@Entity('customers')
@Unique('customers_customer_code_key', ['customer_code'])
@Unique('customers_identity_key', ['id_card_type', 'id_number_hash'])
@Index('customers_id_number_hash_idx', ['id_number_hash'])
@Index('customers_branch_id_idx', ['branch_id'])
@Index('customers_department_id_idx', ['department_id'])
@Index('customers_created_by_idx', ['created_by'])
@Index('customers_created_at_idx', { synchronize: false })
@Index('customers_search_trgm_idx', { synchronize: false })
@Check('customers_sex_check', `sex IN ('male', 'female', 'other')`)
@Check(
  'customers_marital_status_check',
  `marital_status IN ('single', 'married', 'divorced', 'widowed', 'other')`,
)
@Check('customers_monthly_income_check', `monthly_income >= 0`)
export class Customer {
  /** The server chooses ids (see above); the column's default serves raw inserts. */
  @PrimaryGeneratedColumn('uuid') id: string;
  /**
   * Filled by the column's default, `'CUS-' || lpad(nextval('customer_code_seq')::text, 8,
   * '0')`. Declared exactly as TypeORM reads that default back from PostgreSQL (casts and the
   * space after the first one stripped) so that `migration:generate` leaves it; that text is
   * not runnable SQL by itself, and TypeORM never runs it (the column is never inserted).
   */
  @Column({
    type: 'varchar',
    length: 20,
    insert: false,
    update: false,
    default: () => `('CUS-'|| lpad((nextval('customer_code_seq')), 8, '0'))`,
  })
  customer_code: string;
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
  @ManyToOne(() => Branch)
  @JoinColumn({ name: 'branch_id', foreignKeyConstraintName: 'customers_branch_id_fkey' })
  branch?: Branch | null;
  @Column({ type: 'uuid', nullable: true }) department_id: string | null;
  @ManyToOne(() => Department)
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'customers_department_id_fkey' })
  department?: Department | null;
  @Column({ type: 'uuid', nullable: true }) created_by: string | null;
  @ManyToOne(() => User)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'customers_created_by_fkey' })
  creator?: User | null;
  /**
   * Generated (name and phone, for the trigram search); never written, not selected unless
   * asked. The expression is also recorded in typeorm_metadata (migration TypeormMetadata).
   */
  @Column({
    type: 'text',
    nullable: true,
    select: false,
    insert: false,
    update: false,
    generatedType: 'STORED',
    asExpression: CUSTOMER_SEARCH_TEXT,
  })
  search_text?: string | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) created_at: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updated_at: Date;
}
