import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisation and identity: departments, branches, positions, users, login sessions and
 * failed logins. Names, codes, usernames and emails are unique ignoring case.
 */
export class Identity1764374400000 implements MigrationInterface {
  name = 'Identity1764374400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE departments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        code varchar(20) NOT NULL,
        description text,
        manager_id uuid,
        is_active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX departments_name_key ON departments (lower(name))`);
    await db.query(`CREATE UNIQUE INDEX departments_code_key ON departments (lower(code))`);

    await db.query(`
      CREATE TABLE branches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        code varchar(20) NOT NULL,
        address text NOT NULL,
        phone_number varchar(30),
        email varchar(255),
        manager_id uuid,
        latitude numeric(9, 6),
        longitude numeric(9, 6),
        is_active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX branches_name_key ON branches (lower(name))`);
    await db.query(`CREATE UNIQUE INDEX branches_code_key ON branches (lower(code))`);

    await db.query(`
      CREATE TABLE positions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        description text,
        is_active boolean NOT NULL DEFAULT true,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX positions_name_key ON positions (lower(name))`);

    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(50) NOT NULL,
        email varchar(255) NOT NULL,
        password_hash varchar(100) NOT NULL,
        first_name varchar(100) NOT NULL,
        last_name varchar(100) NOT NULL,
        phone_number varchar(30),
        employee_id varchar(4) CHECK (employee_id ~ '^[0-9]{4}$'),
        role varchar(20) NOT NULL CHECK (role IN ('admin', 'manager', 'officer', 'viewer')),
        status varchar(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
        department_id uuid REFERENCES departments (id),
        branch_id uuid REFERENCES branches (id),
        position_id uuid REFERENCES positions (id),
        profile_image_url varchar(500),
        last_login_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await db.query(`CREATE UNIQUE INDEX users_employee_id_key ON users (employee_id)`);
    await db.query(`CREATE INDEX users_department_id_idx ON users (department_id)`);
    await db.query(`CREATE INDEX users_branch_id_idx ON users (branch_id)`);
    await db.query(`CREATE INDEX users_position_id_idx ON users (position_id)`);
    await db.query(`CREATE INDEX users_role_status_idx ON users (role, status)`);
    await db.query(`CREATE INDEX users_created_at_idx ON users (created_at DESC, id DESC)`);

    // Managers are users; a deleted manager leaves the unit without one.
    await db.query(`
      ALTER TABLE departments ADD CONSTRAINT departments_manager_id_fkey
        FOREIGN KEY (manager_id) REFERENCES users (id) ON DELETE SET NULL`);
    await db.query(`
      ALTER TABLE branches ADD CONSTRAINT branches_manager_id_fkey
        FOREIGN KEY (manager_id) REFERENCES users (id) ON DELETE SET NULL`);
    await db.query(`CREATE INDEX departments_manager_id_idx ON departments (manager_id)`);
    await db.query(`CREATE INDEX branches_manager_id_idx ON branches (manager_id)`);

    // One row per login (a refresh-token family). The previous refresh-token hash is kept
    // so that presenting a rotated token is recognised as reuse.
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        refresh_token_hash char(64) NOT NULL,
        previous_refresh_token_hash char(64),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason varchar(50),
        user_agent varchar(500),
        ip varchar(64),
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX sessions_user_id_idx ON sessions (user_id) WHERE revoked_at IS NULL`,
    );

    // Failed logins, unknown usernames included, so that lockout works across instances.
    await db.query(`
      CREATE TABLE login_failures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username_key varchar(255) NOT NULL,
        ip varchar(64) NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX login_failures_username_idx ON login_failures (username_key, occurred_at DESC)`,
    );
    await db.query(
      `CREATE INDEX login_failures_username_ip_idx ON login_failures (username_key, ip, occurred_at DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE login_failures`);
    await db.query(`DROP TABLE sessions`);
    await db.query(`ALTER TABLE departments DROP CONSTRAINT departments_manager_id_fkey`);
    await db.query(`ALTER TABLE branches DROP CONSTRAINT branches_manager_id_fkey`);
    await db.query(`DROP TABLE users`);
    await db.query(`DROP TABLE positions`);
    await db.query(`DROP TABLE branches`);
    await db.query(`DROP TABLE departments`);
  }
}
