export * from './calendar/ics.util.js';
export * from './content/notification-content.js';
export * from './dispatch/notification-dispatcher.service.js';
export * from './webhook/webhook-signature.util.js';
export * from './webhook/webhook-sender.js';
export * from './dispatch/digest.util.js';
export * from './calendar/notification-calendar.util.js';
