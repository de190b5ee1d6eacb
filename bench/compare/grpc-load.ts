/** Load client for Nest's gRPC transport: plain `@grpc/grpc-js`, one channel per connection. */
import { ChannelOptions, Client, credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import { loadSync, MethodDefinition } from '@grpc/proto-loader';
import { ClientLoad, requestBody } from './client-load';
import {
  asGrpcFrame,
  GRPC_MAX_MESSAGE_BYTES,
  GRPC_METHOD,
  GrpcFrame,
  PROTO_PACKAGE,
  PROTO_PATH,
  PROTO_SERVICE,
} from './grpc-contract';
import { isSlowRequest, MIXED_TIMEOUT_MS } from './handler-logic';
import { keepInFlight } from './in-flight-window';
import { LoadRecorder } from './load-recorder';

const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
  // Without it grpc-js shares one TCP connection between all clients of an address.
  'grpc.use_local_subchannel_pool': 1,
};

/** One RPC of bench.proto, narrowed from proto-loader's loosely typed definition. */
function methodOf(name: string): MethodDefinition<GrpcFrame, object, GrpcFrame, unknown> {
  const service = loadSync(PROTO_PATH)[`${PROTO_PACKAGE}.${PROTO_SERVICE}`];
  const method: unknown = service && name in service ? service[name as keyof typeof service] : 0;
  if (typeof method !== 'object' || method === null || !('requestSerialize' in method))
    throw new Error(`bench.proto has no RPC ${name}`);
  return method as MethodDefinition<GrpcFrame, object, GrpcFrame, unknown>;
}

function isDeadlineExceeded(error: ServiceError): boolean {
  return error.code === status.DEADLINE_EXCEEDED;
}

export async function runGrpcLoad(load: ClientLoad, recorder: LoadRecorder): Promise<void> {
  const { workload } = load;
  const method = methodOf(GRPC_METHOD[workload.handler]);
  const clients = Array.from(
    { length: workload.connections },
    () => new Client(`127.0.0.1:${load.port}`, credentials.createInsecure(), CHANNEL_OPTIONS),
  );
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve, reject) =>
          client.waitForReady(Date.now() + 5000, (error) => (error ? reject(error) : resolve())),
        ),
    ),
  );
  const body = requestBody(workload);
  const mixed = workload.handler === 'mixed';
  try {
    await Promise.all(
      clients.map((client) =>
        keepInFlight(workload.window, recorder, (sequence, done, fail) => {
          const request: GrpcFrame = { body, slow: mixed && isSlowRequest(sequence) };
          // grpc's deadline: the client gives up and the server ends the call on its own too.
          const options = mixed ? { deadline: Date.now() + MIXED_TIMEOUT_MS } : {};
          if (method.responseStream) {
            let bytes = 0;
            let settled = false;
            // A failed stream may emit both 'error' and 'end'; the request ends once.
            const settle = (timedOut: boolean, error?: ServiceError): void => {
              if (settled) return;
              settled = true;
              if (error && !timedOut) fail(error);
              else done(timedOut ? 0 : bytes, timedOut);
            };
            const call = client.makeServerStreamRequest(
              method.path,
              method.requestSerialize,
              method.responseDeserialize,
              request,
              new Metadata(),
              options,
            );
            call.on('data', (message: unknown) => (bytes += asGrpcFrame(message).body.length));
            call.on('error', (error: ServiceError) => settle(isDeadlineExceeded(error), error));
            call.on('end', () => settle(false));
            return;
          }
          client.makeUnaryRequest(
            method.path,
            method.requestSerialize,
            method.responseDeserialize,
            request,
            new Metadata(),
            options,
            (error, answer) => {
              if (!error) return done(asGrpcFrame(answer).body.length, false);
              if (isDeadlineExceeded(error)) return done(0, true);
              fail(error);
            },
          );
        }),
      ),
    );
  } finally {
    for (const client of clients) client.close();
  }
}
