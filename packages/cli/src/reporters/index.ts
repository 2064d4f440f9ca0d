export { summaryLine } from './summary.js';
export { emitReport, outputOptions, type EmitOptions } from './emit.js';
export { exitCodeFor, type ExitPolicy } from './exit.js';
export { REPORT_FORMATS, isReportFormat, loadReporter, type ReportFormat } from './load.js';
