export * from './errors.js';
export type * from './project/types.js';
export type * from './graph/types.js';
export type * from './adapter/types.js';
export * from './adapter/index.js';
