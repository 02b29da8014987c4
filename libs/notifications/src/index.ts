export * from './calendar/ics.util.js';
export * from './content/notification-content.js';
export * from './dispatch/notification-dispatcher.service.js';
