import { QuicCarrierError, quicheErrorMessage } from './quic-carrier-error';
import type { QuicServerTlsMaterial } from './quiche-config-factory';

/** Host name the development certificate is issued for. */
export const DEV_CERTIFICATE_HOST = 'localhost';
/** A development certificate only has to outlive a dev session; a short life limits misuse. */
const DEV_CERTIFICATE_LIFETIME_DAYS = 30;
const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** X.509 SubjectAltName entry types (RFC 5280 §4.2.1.6). */
const SAN_DNS_NAME = 2;
const SAN_IP_ADDRESS = 7;

/**
 * Generates a throw-away self-signed certificate for `localhost` (also valid for 127.0.0.1 and
 * ::1) with a P-256 key: cheap to generate and to sign with. Clients verify it by passing the
 * returned chain as their CA, or skip verification with `insecure: true`.
 */
export async function generateDevCertificate(): Promise<QuicServerTlsMaterial> {
  const notBeforeDate = new Date();
  const notAfterDate = new Date(
    notBeforeDate.getTime() + DEV_CERTIFICATE_LIFETIME_DAYS * MS_PER_DAY,
  );
  try {
    // Loaded on demand: only `dev: true` listeners need it (an optional dependency).
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: DEV_CERTIFICATE_HOST }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: false },
        // No keyUsage: a self-signed certificate used as its own trust anchor must then also
        // allow keyCertSign, or BoringSSL rejects the chain (unknown CA).
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: SAN_DNS_NAME, value: DEV_CERTIFICATE_HOST },
            { type: SAN_IP_ADDRESS, ip: '127.0.0.1' },
            { type: SAN_IP_ADDRESS, ip: '::1' },
          ],
        },
      ],
    });
    return { certificateChainPem: pems.cert, privateKeyPem: pems.private };
  } catch (error) {
    throw new QuicCarrierError(
      'config',
      `cannot generate the development certificate: ${quicheErrorMessage(error)}`,
      { cause: error },
    );
  }
}
