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
import type { SealedColumn } from '../common/crypto/sealed-column';
import { Department } from '../departments/department.entity';
import { User } from '../users/user.entity';

/** The expression of the generated column `search_text`, as migration TypeormMetadata records it. */
const CUSTOMER_SEARCH_TEXT =
  "coalesce(full_name_latin, '') || ' ' || coalesce(full_name_khmer, '') || ' ' || coalesce(phone, '')";

/** The sealed column of a customer: ciphertext authenticated with the row id, and its hash. */
export const CUSTOMER_ID_NUMBER: SealedColumn = {
  table: 'customers',
  column: 'id_number',
  hash: 'id_number_hash',
};

/**
 * A borrower. Properties are camelCase; the naming strategy maps them to the snake_case
 * columns, which are also the API's field names. `idNumber` holds ciphertext
 * (CUSTOMER_ID_NUMBER, authenticated with the row id, which is why the server chooses ids) and
 * `idNumberHash` its blind index.
 *
 * The decorators mirror migration Applications1764547200000 so that `migration:generate`
 * finds no difference; the relations exist for that (they are never loaded unless asked).
 */
@Entity('customers')
@Unique('customers_customer_code_key', ['customerCode'])
@Unique('customers_identity_key', ['idCardType', 'idNumberHash'])
@Index('customers_id_number_hash_idx', ['idNumberHash'])
@Index('customers_branch_id_idx', ['branchId'])
@Index('customers_department_id_idx', ['departmentId'])
@Index('customers_created_by_idx', ['createdBy'])
@Index('customers_created_at_idx', { synchronize: false })
@Index('customers_search_trgm_idx', { synchronize: false })
@Index('customers_sync_idx', { synchronize: false })
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
  customerCode: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) fullNameKhmer: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) fullNameLatin: string | null;
  @Column({ type: 'varchar', length: 50 }) idCardType: string;
  @Column({ type: 'text' }) idNumber: string;
  @Column({ type: 'char', length: 64 }) idNumberHash: string;
  @Column({ type: 'varchar', length: 30, nullable: true }) phone: string | null;
  @Column({ type: 'date', nullable: true }) dateOfBirth: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) sex: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) maritalStatus: string | null;
  @Column({ type: 'text', nullable: true }) currentAddress: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) province: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) district: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) commune: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) village: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) occupation: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) employerName: string | null;
  /** numeric(15,2): a decimal string, never a float. */
  @Column({ type: 'numeric', precision: 15, scale: 2, nullable: true })
  monthlyIncome: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) incomeSource: string | null;
  @Column({ type: 'uuid', nullable: true }) branchId: string | null;
  @ManyToOne(() => Branch)
  @JoinColumn({ name: 'branch_id', foreignKeyConstraintName: 'customers_branch_id_fkey' })
  branch?: Branch | null;
  @Column({ type: 'uuid', nullable: true }) departmentId: string | null;
  @ManyToOne(() => Department)
  @JoinColumn({ name: 'department_id', foreignKeyConstraintName: 'customers_department_id_fkey' })
  department?: Department | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
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
  searchText?: string | null;
  @VersionColumn({ default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
