import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'draft', 'submitted', 'initial_review', 'credit_check', 'approval_pending',
  'approved', 'rejected', 'disbursed', 'completed', 'withdrawn'`;

/**
 * Customers (borrowers), loan applications, and the folders and files of an application.
 * Id numbers are stored encrypted (`id_number`, `guarantor_id_number`: AES-256-GCM text
 * written by the server) with a keyed hash beside them for exact-match search. Every filter
 * and sort of the list routes has an index; name, phone and officer search use one trigram
 * index over a generated column, which serves `ILIKE '%term%'`.
 */
export class Applications1764547200000 implements MigrationInterface {
  name = 'Applications1764547200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await db.query(`CREATE SEQUENCE customer_code_seq`);

    await db.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_code varchar(20) NOT NULL
          DEFAULT 'CUS-' || lpad(nextval('customer_code_seq')::text, 8, '0'),
        full_name_khmer varchar(200),
        full_name_latin varchar(200),
        id_card_type varchar(50) NOT NULL,
        id_number text NOT NULL,
        id_number_hash char(64) NOT NULL,
        phone varchar(30),
        date_of_birth date,
        sex varchar(10) CHECK (sex IN ('male', 'female', 'other')),
        marital_status varchar(20)
          CHECK (marital_status IN ('single', 'married', 'divorced', 'widowed', 'other')),
        current_address text,
        province varchar(100),
        district varchar(100),
        commune varchar(100),
        village varchar(100),
        occupation varchar(100),
        employer_name varchar(200),
        monthly_income numeric(15, 2) CHECK (monthly_income >= 0),
        income_source varchar(100),
        branch_id uuid REFERENCES branches (id),
        department_id uuid REFERENCES departments (id),
        created_by uuid REFERENCES users (id),
        search_text text GENERATED ALWAYS AS (
          coalesce(full_name_latin, '') || ' ' || coalesce(full_name_khmer, '') || ' ' ||
          coalesce(phone, '')
        ) STORED,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customers_customer_code_key UNIQUE (customer_code),
        CONSTRAINT customers_identity_key UNIQUE (id_card_type, id_number_hash)
      )`);
    await db.query(`ALTER SEQUENCE customer_code_seq OWNED BY customers.customer_code`);
    await db.query(`CREATE INDEX customers_id_number_hash_idx ON customers (id_number_hash)`);
    await db.query(`CREATE INDEX customers_branch_id_idx ON customers (branch_id)`);
    await db.query(`CREATE INDEX customers_department_id_idx ON customers (department_id)`);
    await db.query(`CREATE INDEX customers_created_by_idx ON customers (created_by)`);
    await db.query(`CREATE INDEX customers_created_at_idx ON customers (created_at DESC, id DESC)`);
    await db.query(
      `CREATE INDEX customers_search_trgm_idx ON customers USING gin (search_text gin_trgm_ops)`,
    );

    await db.query(`
      CREATE TABLE customer_applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        customer_id uuid REFERENCES customers (id),
        branch_id uuid REFERENCES branches (id),
        department_id uuid REFERENCES departments (id),
        status varchar(20) NOT NULL DEFAULT 'draft' CHECK (status IN (${STATUSES})),
        submitted_by uuid REFERENCES users (id),
        currency varchar(3) NOT NULL,
        account_id varchar(50),

        id_card_type varchar(50),
        id_number text,
        id_number_hash char(64),
        full_name_khmer varchar(200),
        full_name_latin varchar(200),
        phone varchar(30),
        date_of_birth date,
        portfolio_officer_name varchar(200),
        current_address text,
        province varchar(100),
        district varchar(100),
        commune varchar(100),
        village varchar(100),
        occupation varchar(100),
        employer_name varchar(200),
        monthly_income numeric(15, 2) CHECK (monthly_income >= 0),
        income_source varchar(100),

        requested_amount numeric(15, 2) CHECK (requested_amount > 0),
        loan_purposes jsonb,
        purpose_details text,
        product_type varchar(50),
        desired_loan_term varchar(50),
        requested_disbursement_date date,
        interest_rate numeric(7, 4) CHECK (interest_rate >= 0 AND interest_rate <= 100),

        loan_amount numeric(15, 2) CHECK (loan_amount > 0),
        loan_purpose text,
        loan_start_date date,
        loan_end_date date,

        guarantor_name varchar(200),
        guarantor_phone varchar(30),
        guarantor_id_number text,
        guarantor_id_number_hash char(64),
        guarantor_address text,
        guarantor_relationship varchar(100),

        existing_loans jsonb,
        monthly_expenses numeric(15, 2) CHECK (monthly_expenses >= 0),
        assets_value numeric(15, 2) CHECK (assets_value >= 0),

        credit_score integer CHECK (credit_score BETWEEN 0 AND 100),
        risk_category varchar(10) CHECK (risk_category IN ('low', 'medium', 'high')),
        assessment_notes text,
        risk_breakdown jsonb,
        collaterals jsonb,
        documents jsonb,

        assigned_reviewer uuid REFERENCES users (id),
        reviewer_assigned_at timestamptz,
        priority_level varchar(10) NOT NULL DEFAULT 'normal'
          CHECK (priority_level IN ('low', 'normal', 'high', 'urgent')),
        -- The list's order: urgent, then high, then the rest (an index serves it).
        priority_rank smallint GENERATED ALWAYS AS (
          CASE priority_level WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END
        ) STORED,

        submitted_at timestamptz,
        reviewed_at timestamptz,
        risk_assessed_at timestamptz,
        approved_at timestamptz,
        approved_by uuid REFERENCES users (id),
        rejected_at timestamptz,
        rejected_by uuid REFERENCES users (id),
        rejection_reason text,
        disbursed_at timestamptz,
        completed_at timestamptz,
        withdrawn_at timestamptz,

        search_text text GENERATED ALWAYS AS (
          coalesce(full_name_latin, '') || ' ' || coalesce(full_name_khmer, '') || ' ' ||
          coalesce(phone, '') || ' ' || coalesce(portfolio_officer_name, '')
        ) STORED,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    const indexes: [string, string][] = [
      // The default order, alone and within the scopes the list is usually read in.
      ['order', '(priority_rank, created_at DESC, id DESC)'],
      ['branch_order', '(branch_id, priority_rank, created_at DESC, id DESC)'],
      ['department_order', '(department_id, priority_rank, created_at DESC, id DESC)'],
      ['user_order', '(user_id, priority_rank, created_at DESC, id DESC)'],
      ['reviewer_status', '(assigned_reviewer, status, reviewer_assigned_at)'],
      ['status', '(status, created_at DESC)'],
      ['customer_id', '(customer_id, created_at DESC)'],
      ['created_at', '(created_at DESC, id DESC)'],
      ['updated_at', '(updated_at)'],
      ['risk_category', '(risk_category)'],
      ['product_type', '(product_type)'],
      ['currency', '(currency)'],
      ['account_id', '(account_id)'],
      ['requested_amount', '(requested_amount)'],
      ['id_number_hash', '(id_number_hash)'],
      ['submitted_by', '(submitted_by)'],
      ['approved_by', '(approved_by)'],
      ['rejected_by', '(rejected_by)'],
    ];
    for (const [name, columns] of indexes) {
      await db.query(
        `CREATE INDEX customer_applications_${name}_idx ON customer_applications ${columns}`,
      );
    }
    await db.query(
      `CREATE INDEX customer_applications_search_trgm_idx ON customer_applications USING gin (search_text gin_trgm_ops)`,
    );

    await db.query(`
      CREATE TABLE folders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(255) NOT NULL,
        parent_id uuid REFERENCES folders (id) ON DELETE CASCADE,
        application_id uuid REFERENCES customer_applications (id) ON DELETE CASCADE,
        created_by uuid REFERENCES users (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX folders_parent_id_idx ON folders (parent_id)`);
    await db.query(`CREATE INDEX folders_application_id_idx ON folders (application_id)`);
    await db.query(`CREATE INDEX folders_created_by_idx ON folders (created_by)`);

    await db.query(`
      CREATE TABLE files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        filename varchar(255) NOT NULL,
        original_filename varchar(255) NOT NULL,
        display_name varchar(255),
        file_path varchar(1024) NOT NULL,
        file_size bigint NOT NULL CHECK (file_size >= 0),
        mime_type varchar(100) NOT NULL,
        sha256 char(64),
        document_type varchar(50),
        uploaded_by uuid REFERENCES users (id),
        application_id uuid REFERENCES customer_applications (id) ON DELETE CASCADE,
        folder_id uuid REFERENCES folders (id) ON DELETE SET NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT files_file_path_key UNIQUE (file_path)
      )`);
    await db.query(
      `CREATE INDEX files_application_id_idx ON files (application_id, document_type)`,
    );
    await db.query(`CREATE INDEX files_folder_id_idx ON files (folder_id)`);
    await db.query(`CREATE INDEX files_uploaded_by_idx ON files (uploaded_by)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE files`);
    await db.query(`DROP TABLE folders`);
    await db.query(`DROP TABLE customer_applications`);
    await db.query(`DROP TABLE customers`);
  }
}
