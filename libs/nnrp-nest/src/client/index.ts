/**
 * The NNRP client: {@link NnrpClient} (both handshakes, any carrier) and {@link ClientNnrp}
 * (a Nest `ClientProxy` over it).
 *
 * @packageDocumentation
 */
export * from './nnrp-client';
export * from './nnrp-client-error';
export * from './nnrp-client-events';
export * from './client-session';
export * from './frame-call';
export * from './client-options';
export * from './client-defaults';
export * from './protocol-violation';
export * from './received-packets';
export * from './inbound-message';
export type { Unsubscribe } from './event-log';
export * from './proxy-payload';
export * from './client-nnrp.proxy';
