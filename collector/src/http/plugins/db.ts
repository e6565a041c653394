import type Database from 'better-sqlite3';
import fp from 'fastify-plugin';
import { type Db, openDatabase } from '../../store/sqlite/open-database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    sqlite: Database.Database;
  }
}

export interface DbPluginOptions {
  path: string;
}

export default fp<DbPluginOptions>(
  async (app, opts) => {
    const opened = openDatabase(opts.path);
    app.decorate('db', opened.db);
    app.decorate('sqlite', opened.sqlite);
    app.log.info({ path: opts.path }, 'database ready');
    app.addHook('onClose', async () => opened.close());
  },
  { name: 'db' },
);
