export * from './keys.js';
export * from './git.js';
