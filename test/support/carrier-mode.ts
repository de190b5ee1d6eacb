import { RAW_CARRIERS, RawCarrier } from '../../bench/fuzz/raw-wire';

/**
 * The carriers and QUIC stream models every end-to-end suite runs over (control-plane.md §2.2,
 * decisions.md §17): TCP; QUIC with everything on the first bidirectional stream (the Rust
 * model); QUIC with each submit on its own uni stream and results on server uni streams (the
 * Python model).
 */
export type CarrierMode = RawCarrier;

/** Every mode; `NNRP_E2E_CARRIERS=tcp` (comma-separated) narrows it for a quick local run. */
export const CARRIER_MODES: CarrierMode[] = (
  process.env.NNRP_E2E_CARRIERS?.split(',') ?? RAW_CARRIERS
).map((mode) => mode.trim() as CarrierMode);
