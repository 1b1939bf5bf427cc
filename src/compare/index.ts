// Kernel x model x expectation -> outcome.
export * from './types.js';
export { compare } from './compare.js';
