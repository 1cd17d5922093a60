export * from './scheduler.js';
export * from './run-results.js';
export * from './execute-run.js';
export * from './dry-run.js';
export * from './retry-plan.js';
