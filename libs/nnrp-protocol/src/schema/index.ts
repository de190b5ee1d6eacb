export * from './schema-error-code';
export * from './schema-descriptor';
export * from './token-delta-schema';
export * from './schema-registry';
