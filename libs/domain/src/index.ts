export * from './template/process-template.type.js';
export * from './template/process-template.schema.js';
export * from './templates/builtin-templates.js';
export * from './templates/kurzverfahren.template.js';
export * from './round/round.type.js';
export * from './round/round.exception.js';
export * from './round/round.js';
