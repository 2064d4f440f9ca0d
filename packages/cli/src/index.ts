export { run } from './run.js';
export type { Io } from './io.js';
export { EXIT } from './exit-codes.js';
