// Vocabulary of the control-extension block (control-plane.md §4.3, §2.3).

/** The standard `ext_type` entries of preview3 (payload always 8 bytes). */
export enum ControlExtensionType {
  /** CLIENT_HELLO: requested transport policy. */
  TransportPolicy = 0x0101,
  /** SERVER_HELLO_ACK: accepted policy and the active transport. */
  TransportPolicyAck = 0x0102,
  /** CLIENT_HELLO: session loss tolerance. */
  LossTolerance = 0x0103,
  /** SERVER_HELLO_ACK: accepted loss tolerance. */
  LossToleranceAck = 0x0104,
  /** CLIENT_HELLO: payload kinds. */
  PayloadCapabilities = 0x0105,
  /** SERVER_HELLO_ACK: accepted payload kinds. */
  PayloadCapabilitiesAck = 0x0106,
}

/** `ext_flags` bit 0: the receiver must understand the entry or fail (ERROR 0x0006). */
export const CONTROL_EXTENSION_FLAG_CRITICAL = 0x0001;
/** Every defined `ext_flags` bit. */
export const CONTROL_EXTENSION_FLAGS_MASK = CONTROL_EXTENSION_FLAG_CRITICAL;

/** `transport_policy` (u8, only inside the 0x0101/0x0102 entries; Python table). */
export enum TransportPolicy {
  Auto = 0,
  PreferQuic = 1,
  PreferTcp = 2,
  PreferIpc = 3,
  PreferWebsocket = 4,
  ForceQuic = 5,
  ForceTcp = 6,
  ForceIpc = 7,
  ForceWebsocket = 8,
}
