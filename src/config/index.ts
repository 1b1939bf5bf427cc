// Run configuration: bpf-verdict.yaml (read with `yaml`) + defaults; the CLI applies flags on top.
export type { RunConfig } from './types.js';
export { DEFAULT_CONFIG, VM_LIMITS } from './types.js';
export { findConfig, loadConfig, parseConfig, CONFIG_NAME } from './load.js';
export { runOptionsFrom } from './options.js';
