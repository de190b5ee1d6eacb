/**
 * Service environment for tests, benches and scripts that start the service themselves: every
 * listener on an ephemeral port (read back from `RunningService.ports`) and on loopback only,
 * so runs never clash with `npm start` or with each other and expose nothing.
 */
export const EPHEMERAL_LOOPBACK_ENV: Readonly<Record<string, string>> = Object.freeze({
  NNRP_HOST: '127.0.0.1',
  NNRP_TCP_PORT: '0',
  NNRP_QUIC_PORT: '0',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
});
