/**
 * Loading and validating a project: xform_project.yml, profiles.yml, schema YAML and file discovery.
 */
export { loadProject, projectTargetDir } from './load-project.js';
export { resolveFolderConfig } from './folder-config.js';
export { mergeConfig, normalizeConfig, canonicalConfigKey, KNOWN_CONFIG_KEYS, type ConfigLocation } from './node-config.js';
export { parseVarsArg, parseMappingArg } from './vars.js';
export { fileFqn } from './discovery.js';
export { fileNodeName } from './cross-checks.js';
export { defaultTarget, isSecretKey } from './profiles.js';
export { TEST_CONFIG_KEYS } from './test-entries.js';
export { DEFAULT_LAYERS, PROJECT_FILE, DBT_PROJECT_FILE, parseProjectConfig } from './project-config.js';
export type * from './types.js';
export { SchemaFileCache, SCHEMA_CACHE_FILE } from './schema-cache.js';
