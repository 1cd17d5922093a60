/**
 * The partial-parse cache. Loaded on its own (`@xform/core/partial-parse`) by the CLI before the compiler:
 * it imports only node built-ins.
 */
export { recordingEnv, type RecordingEnv } from './env-recorder.js';
export { checkUnchanged, fileChecksum, filePaths, sha256, takeSnapshot, unchangedSince, withFileStats, type InputSnapshot, type SnapshotFiles, type SnapshotSources, type UnchangedCheck } from './input-snapshot.js';
export { PARTIAL_PARSE_FILE, compileKey, readSnapshot, removeSnapshot, snapshotStamp, writeSnapshot } from './snapshot-file.js';
export { ENV_KEY_FILE, envKey, hashEnvValue, readEnvKey } from './env-key.js';
