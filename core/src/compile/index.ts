export { compileProject, helperRenderer, MODEL_MATERIALIZATIONS, type CompileOptions, type CompiledProject } from './compiler.js';
export { RenderCache, RENDER_CACHE_FILE, type HelperRender } from './render-cache.js';
export { helpRender, startRenderHelpers, type HelperChannel, type HelperThread, type RenderShare } from './render-helpers.js';
export { writePatchNodes, writePatchState } from './patch-state.js';
export { manifestChunks, writeCompileArtifacts, type Manifest, type ManifestMetadata, type WrittenFiles, type WriteArtifactsOptions } from './manifest.js';
export { injectCtes, EPHEMERAL_PREFIX } from './ephemeral.js';
export { RelationValue } from './relation.js';
export type { ManifestDoc } from './descriptions.js';
export { BATCH_SIZES, isMicrobatch, microbatchConfig, parseEventTime, planBatches, isoUtc, type Batch, type BatchSize, type MicrobatchConfig } from './microbatch.js';
