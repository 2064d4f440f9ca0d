export * from './keys.js';
export * from './git.js';
export * from './cli.js';
export * from './registry.js';
