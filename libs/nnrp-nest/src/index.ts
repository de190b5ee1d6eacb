/**
 * `@nest-nnrp/nest`: NNRP/1 as a NestJS microservice transport.
 *
 * @packageDocumentation
 */
export * from './carriers/carrier-connection';
export * from './carriers/tcp/tcp-carrier';
export * from './carriers/tcp/tcp-carrier-connection';
export * from './carriers/tcp/tcp-connect';
export * from './carriers/quic';
export * from './engine/drop-reason';
export * from './engine/nnrp-auth-policy';
export * from './engine/evaluate-auth-policy';
export * from './engine/nnrp-dispatcher';
export * from './engine/nnrp-drop';
export * from './engine/nnrp-schema-error';
export * from './engine/drop-of-error';
export * from './engine/nnrp-engine';
export * from './engine/nnrp-engine-events';
export * from './engine/nnrp-result';
export * from './engine/nnrp-server-options';
export * from './session/frame-operation';
export * from './session/nnrp-session';
export * from './session/cache-store';
export * from './session/credit-ledger';
export * from './auth/hmac-token.policy';
export * from './auth/nnrp-auth.guard';
export * from './nest/nnrp-constants';
export * from './nest/nnrp-context';
export * from './nest/nnrp-decorators';
export * from './nest/nnrp-submit-pattern';
export * from './nest/nnrp-transport';
export * from './nest/drop-on-timeout.interceptor';
export * from './nest/nnrp-exception.filter';
export * from './client';
