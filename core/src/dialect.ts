/**
 * What an adapter's SQL dialect is built from, loaded on its own (`@xform/core/dialect`): a compile that
 * needs only quoting and relation names (a patch compile) loads an adapter's dialect without the rest of
 * xform. Nothing here imports beyond the dialect base and the error type.
 */
export { DialectBase, SOURCE_ALIAS, TARGET_ALIAS, stripTrailingSemicolons } from './adapter/dialect-base.js';
export { XformError, didYouMeanHint } from './errors.js';
