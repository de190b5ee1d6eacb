/**
 * `@nest-nnrp/protocol`: the NNRP/1-preview3 wire codec. Pure TypeScript over `Buffer`; no Nest,
 * no sockets.
 *
 * @packageDocumentation
 */
export * from './errors/nnrp-error-kind';
export * from './errors/nnrp-protocol-error';
export * from './header/message-type';
export * from './header/header-flags';
export * from './header/packet-header';
export * from './packet/packet';
export * from './packet/header-only-rules';
export * from './framer/framer-limits';
export * from './framer/stream-framer';
export * from './messages/control';
export * from './messages/data';
export * from './messages/cache';
export * from './body';
export * from './schema';
export * from './operations';
