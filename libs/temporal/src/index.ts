export * from './temporal-client.js';
