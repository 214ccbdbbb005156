#!/usr/bin/env node
'use strict';
// Applies Flowgate's PostgreSQL migrations and exits: the Helm pre-install/pre-upgrade Job and the
// compose `migrate` service run this, so gateway and workers can start with FLOWGATE_MIGRATE=false.
// Safe to run concurrently with anything else that migrates (an advisory lock serialises runners).
const { createLogger } = require('@flowgate/config');
const { migrate } = require('@flowgate/store');

async function main() {
  const logger = createLogger('flowgate-migrate', process.env.LOG_LEVEL || 'info');
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    process.stderr.write('flowgate-migrate: DATABASE_URL must be a postgres:// or postgresql:// URL\n');
    return 2;
  }
  if (process.env.FLOWGATE_MIGRATE === 'false') {
    logger.info('FLOWGATE_MIGRATE=false: nothing to do');
    return 0;
  }
  const applied = await migrate(url, logger);
  // migrate() logs what it applied; say so when there was nothing.
  if (applied.length === 0) logger.info('schema up to date');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`flowgate-migrate: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
