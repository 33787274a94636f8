/** Reports: the terminal tables, report.json and a self-contained report.html with charts. */
export type {
  ChipRecord,
  CostRecord,
  DeploymentInspection,
  InspectedAnalogStage,
  InspectedDigitalStage,
  InspectedStage,
  ReportData,
  SimulationRecord,
} from './types.js';
export { inspectDeployment } from './inspect.js';
export {
  accuracySpread,
  chipTable,
  costTable,
  describeHardware,
  formatFinal,
  formatInspection,
  formatSummary,
  inspectionTable,
  reportTitle,
  summaryTable,
} from './terminal.js';
export { type Align, type TableModel, renderText, textTable } from './table.js';
export { accuracySpec, areaSpec, energySpec, renderSvg, reportCharts, type Chart } from './charts.js';
export { escapeHtml, htmlTable, reportHtml } from './html.js';
export { renderReport, reportJson } from './render.js';
