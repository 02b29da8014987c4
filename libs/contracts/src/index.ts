export * from './temporal/round-workflow.contract.js';
export * from './temporal/workflow-bundle.contract.js';
export * from './http/round.request.js';
export * from './http/auth.request.js';
export * from './http/me.request.js';
export * from './http/comment.request.js';
export * from './http/event.request.js';
export * from './http/list.request.js';
