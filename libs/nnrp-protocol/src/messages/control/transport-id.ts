/** `transport_id` (u32, control-plane.md §2.3). */
export enum TransportId {
  /** Accepted by the enum, rejected inside SESSION_MIGRATE. */
  Unspecified = 0,
  Quic = 1,
  Tcp = 2,
  /** Python only; the Rust core rejects it as an unknown enum value. */
  Ipc = 3,
  /** Python only; the Rust core rejects it as an unknown enum value. */
  Websocket = 4,
}

/** Largest id the Rust core knows (`TransportId::try_from_u32`), used by SESSION_MIGRATE. */
export const CORE_TRANSPORT_ID_MAX = TransportId.Tcp;
/** Largest id of the full table, used by the transport-policy extensions (Python). */
export const TRANSPORT_ID_MAX = TransportId.Websocket;
/** The enum's name in reference errors. */
export const TRANSPORT_ID_ENUM = 'transport_id';
