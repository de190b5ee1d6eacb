export * from './operation-state';
export * from './cancel-scope';
export * from './operation-error';
export * from './operation-registry';
