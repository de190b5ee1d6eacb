import { NnrpErrorKind } from '../../errors/nnrp-error-kind';
import { isNnrpProtocolError, NnrpProtocolError } from '../../errors/nnrp-protocol-error';
import { ClientHelloMetadata } from './client-hello';
import { ControlExtensionEntry, decodeControlExtensions } from './control-extensions';

/** A CLIENT_HELLO body cut into its two blocks. */
export interface ClientHelloBody {
  /** Decoded `control_extension_block`. */
  extensions: ControlExtensionEntry[];
  /** The `auth_block`, a view into the body. */
  auth: Buffer;
}

type BlockLengths = Pick<ClientHelloMetadata, 'authBytes' | 'controlExtensionBytes'>;

/**
 * Splits a CLIENT_HELLO body (control-plane.md §4.1, §6.4 H2). `body_len` must equal
 * `control_extension_bytes + auth_bytes` (a `LengthMismatch` otherwise). Python clients send
 * `extensions ‖ auth`; preview1 documents `auth ‖ extensions`. When both blocks are present and
 * the Python order does not parse as TLV, the documented order is tried; if neither parses, the
 * Python order's error is thrown.
 */
export function splitClientHelloBody(m: BlockLengths, body: Buffer): ClientHelloBody {
  if (body.length !== m.controlExtensionBytes + m.authBytes) {
    throw new NnrpProtocolError(
      NnrpErrorKind.LengthMismatch,
      'client_hello.body',
      `CLIENT_HELLO body of ${body.length} bytes does not match control_extension_bytes ` +
        `${m.controlExtensionBytes} + auth_bytes ${m.authBytes}`,
    );
  }
  const extBytes = m.controlExtensionBytes;
  try {
    return {
      extensions: decodeControlExtensions(body.subarray(0, extBytes)),
      auth: body.subarray(extBytes),
    };
  } catch (pythonOrderError) {
    if (!isNnrpProtocolError(pythonOrderError) || m.authBytes === 0) throw pythonOrderError;
    try {
      return {
        extensions: decodeControlExtensions(body.subarray(m.authBytes)),
        auth: body.subarray(0, m.authBytes),
      };
    } catch {
      throw pythonOrderError;
    }
  }
}
