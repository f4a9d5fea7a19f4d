/**
 * The DataSource used by the TypeORM CLI (`npm run migration:run`, `migration:revert`,
 * `migration:generate`). The server itself builds its own from the same options.
 */
import { DataSource } from 'typeorm';
import { parseEnvironment } from '../config/environment';
import { loadDotEnv } from '../config/dotenv';
import { dataSourceOptions } from './data-source-options';
import { readEmbeddedDatabaseUrl } from './embedded-database-url';

loadDotEnv();
const environment = parseEnvironment(process.env);
const url = environment.database.url ?? readEmbeddedDatabaseUrl(environment.app.dataDir);
if (!url) {
  throw new Error(
    'Set DATABASE_URL, or start the server (`npm start`) so the CLI can use its embedded PostgreSQL.',
  );
}

// Migrations run as the schema owner when there is one (DATABASE_MIGRATION_URL).
export default new DataSource(
  dataSourceOptions({ ...environment.database, url: environment.database.migrationUrl ?? url }),
);
