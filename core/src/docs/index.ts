export * from './catalog.js';
export * from './generate.js';
export * from './column-lineage.js';
export * from './layout.js';
export * from './markdown.js';
export * from './pg-ast.js';
export * from './site-data.js';
export type * from './site-types.js';
export * from './write-site.js';
