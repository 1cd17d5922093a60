/**
 * dbt's global macro library, as xform ships it: the cross-database, type and naming macros of
 * dbt-adapters' global_project with each adapter's variants (DuckDB, PostgreSQL, BigQuery, Snowflake),
 * written once as Jinja in the internal `dbt` package. They are reachable bare (`type_string()`), as
 * `dbt.type_string()` and through `adapter.dispatch('type_string', 'dbt')`; a root project or package
 * macro named `type_string`, `default__type_string` or `<adapter>__type_string` overrides them exactly as
 * it would dbt's. Kept as TypeScript strings so they ship in the built package without extra files.
 */
import type { MacroFile } from '../../engine.js';
import { INTERNAL_PACKAGE } from '../../namespaces.js';
import { CONFIGS_SQL } from './configs.js';
import { DATES_SQL } from './dates.js';
import { NAMING_SQL } from './naming.js';
import { QUERIES_SQL } from './queries.js';
import { SETS_SQL } from './sets.js';
import { STRINGS_SQL } from './strings.js';
import { TYPES_SQL } from './types.js';

export const GLOBAL_MACRO_FILES: readonly MacroFile[] = [
  { path: '<xform>/dbt/macros/types.sql', contents: TYPES_SQL, packageName: INTERNAL_PACKAGE },
  { path: '<xform>/dbt/macros/strings.sql', contents: STRINGS_SQL, packageName: INTERNAL_PACKAGE },
  { path: '<xform>/dbt/macros/dates.sql', contents: DATES_SQL, packageName: INTERNAL_PACKAGE },
  { path: '<xform>/dbt/macros/sets.sql', contents: SETS_SQL, packageName: INTERNAL_PACKAGE },
  { path: '<xform>/dbt/macros/naming.sql', contents: NAMING_SQL, packageName: INTERNAL_PACKAGE },
  { path: '<xform>/dbt/macros/configs.sql', contents: CONFIGS_SQL, packageName: INTERNAL_PACKAGE },
  { path: '<xform>/dbt/macros/queries.sql', contents: QUERIES_SQL, packageName: INTERNAL_PACKAGE },
];
