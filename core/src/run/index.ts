export * from './scheduler.js';
export * from './run-results.js';
