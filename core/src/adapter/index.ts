export { DialectBase, DUPLICATE_KEY_MARKER, SOURCE_ALIAS, TARGET_ALIAS, stripTrailingSemicolons } from './dialect-base.js';
export { adapterPackageName, loadAdapter, loadDialect, registerBuiltInAdapters, type LoadAdapterOptions } from './load-adapter.js';
export {
  isSqlError,
  positionOf,
  redact,
  SQL_ERROR_CODE,
  SQL_ERROR_MAX_SQL,
  SqlError,
  sqlError,
  type SqlErrorOptions,
} from './sql-error.js';
export { dialectSamples, readGolden, renderDialectSamples, UPDATE_GOLDEN_ENV } from './dialect-golden.js';
export { Pool, withAcquired, type PoolOptions } from './pool.js';
export { fitsLimit, nameLength, shortenToFit } from './identifier-limits.js';
export { isoTimestamp, safeInteger } from './values.js';
export { SqlSession } from './sql-session.js';
export { formatLockTime, pollLock, targetLockedError, type LockHeld, type LockWait } from './run-lock.js';
