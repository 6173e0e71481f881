/** The wire contract, shared by server, clients and SDK. Imports nothing else of ours. */
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
