export * from './password.js';
export * from './token.js';
export * from './totp.js';
