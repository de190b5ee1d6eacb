/** Load client for Nest's TCP transport: one `ClientProxy` (one socket) per connection. */
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { Observable, timeout, TimeoutError } from 'rxjs';
import { ClientLoad, requestBody } from './client-load';
import { isSlowRequest, MIXED_TIMEOUT_MS } from './handler-logic';
import { keepInFlight } from './in-flight-window';
import { LoadRecorder } from './load-recorder';
import { NEST_TCP_PATTERN, NestTcpRequest } from './nest-tcp-payload';

export async function runNestTcpLoad(load: ClientLoad, recorder: LoadRecorder): Promise<void> {
  const { workload } = load;
  const clients: ClientProxy[] = Array.from({ length: workload.connections }, () =>
    ClientProxyFactory.create({
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port: load.port },
    }),
  );
  await Promise.all(clients.map((client) => client.connect()));
  // Encoded once, like the NNRP client reuses its body buffer: the client's cost stays out.
  const body = requestBody(workload).toString('base64');
  const pattern = NEST_TCP_PATTERN[workload.handler];
  const mixed = workload.handler === 'mixed';
  try {
    await Promise.all(
      clients.map((client) =>
        keepInFlight(workload.window, recorder, (sequence, done, fail) => {
          const request: NestTcpRequest = { body, slow: mixed && isSlowRequest(sequence) };
          let answer$: Observable<unknown> = client.send<unknown, NestTcpRequest>(pattern, request);
          // The only deadline Nest TCP has: the client stops waiting; the server still answers.
          if (mixed) answer$ = answer$.pipe(timeout(MIXED_TIMEOUT_MS));
          let bytes = 0;
          answer$.subscribe({
            next: (value) => {
              // A user needs the bytes back, so the client decodes like one would.
              if (typeof value === 'string') bytes += Buffer.from(value, 'base64').length;
              else fail(new Error('Nest TCP answer is not a base64 string'));
            },
            error: (error: unknown) =>
              error instanceof TimeoutError
                ? done(0, true)
                : fail(error instanceof Error ? error : new Error(String(error))),
            complete: () => done(bytes, false),
          });
        }),
      ),
    );
  } finally {
    for (const client of clients) await client.close();
  }
}
