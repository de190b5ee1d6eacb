export * from './cache-object-kind';
export * from './cache-error-code';
export * from './cache-put';
export * from './cache-ack';
export * from './cache-invalidate';
export * from './cache-object-id';
