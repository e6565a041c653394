import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL engine's migrations, generated from its schema (drizzle.config.ts is SQLite's). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/postgres/schema/index.ts',
  out: './src/store/postgres/migrations',
});
