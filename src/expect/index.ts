// Declared expectations: decl tags -> Expectation, and test_loader-style message matching.
export type { Expectation, MessagePattern, MessageMatch } from './types.js';
export { parseExpectation, describeExpectation } from './tags.js';
export { compilePattern, matchMessages, formatMatchTable } from './messages.js';
