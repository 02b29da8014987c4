// Every function exported here becomes a workflow type: export workflows only.
export { roundWorkflow } from './round/round.workflow.js';
