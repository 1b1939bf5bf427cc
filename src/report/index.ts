// Reports of a run: terminal summary, progress bar, JSON lines, JUnit, TAP 14, HTML, --out DIR.
export { formatSummary, formatDifference } from './summary.js';
export { ProgressBar } from './progress.js';
export { recordJson, type RecordJson } from './record.js';
export { formatJunit } from './junit.js';
export { formatTap } from './tap.js';
export { formatHtml } from './html.js';
export { writeOutDir, readSources, jsonLines, datedName } from './out.js';
