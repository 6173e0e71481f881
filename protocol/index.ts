/** The wire contract, shared by server, clients and SDK. Imports only zod; the phone page imports ./plain alone (no zod). */
export * from './plain';
export * from './errors';
export * from './ids';
export * from './manifest';
export * from './show';
export * from './commands';
export * from './views';
export * from './visitors';
export * from './events';
export * from './payloads';
export * from './pieces';
export * from './stage';
export * from './backups';
export * from './activity';
export * from './schedule-days';
export * from './dmx';
export * from './output';
