export * from './session-vocabulary';
export * from './session-open';
