import { Injectable } from '@nestjs/common';
import { DropReason, NnrpEngineEvents } from '@nest-nnrp/nest';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of the service, fed by the transport's engine events: frames, results,
 * drops by reason, frames in flight, sessions, connections, handler latency and bytes.
 */
@Injectable()
export class NnrpMetrics {
  readonly registry = new Registry();
  private readonly frames = new Counter({
    name: 'nnrp_frames_total',
    help: 'Frames answered (results and drops)',
    registers: [this.registry],
  });
  private readonly results = new Counter({
    name: 'nnrp_results_total',
    help: 'RESULT_PUSH packets sent',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly drops = new Counter({
    name: 'nnrp_drops_total',
    help: 'Frames answered with RESULT_DROP, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: 'nnrp_frames_in_flight',
    help: 'Frames accepted and not yet answered',
    registers: [this.registry],
  });
  private readonly sessions = new Gauge({
    name: 'nnrp_sessions',
    help: 'Open sessions',
    registers: [this.registry],
  });
  private readonly connections = new Gauge({
    name: 'nnrp_connections',
    help: 'Open connections',
    labelNames: ['carrier'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'nnrp_frame_latency_seconds',
    help: 'Time from accepting a frame to its final result',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly bytes = new Counter({
    name: 'nnrp_bytes_total',
    help: 'Bytes received and sent',
    labelNames: ['direction'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Hooks for `NnrpTransport({ events })`. */
  readonly events: NnrpEngineEvents = {
    connectionOpened: (carrier) => this.connections.inc({ carrier }),
    connectionClosed: (carrier) => this.connections.dec({ carrier }),
    sessionOpened: () => this.sessions.inc(),
    sessionClosed: () => this.sessions.dec(),
    frameAccepted: () => this.inFlight.inc(),
    frameCompleted: (latencyMs) => {
      this.frames.inc();
      this.inFlight.dec();
      this.latency.observe(latencyMs / 1000);
    },
    frameDropped: (reason: DropReason, accepted: boolean) => {
      this.frames.inc();
      this.drops.inc({ reason });
      if (accepted) this.inFlight.dec();
    },
    resultSent: (partial) => this.results.inc({ kind: partial ? 'partial' : 'final' }),
    bytes: (direction, count) => this.bytes.inc({ direction }, count),
  };

  /** Frames answered so far (tests and logs). */
  async answeredFrames(): Promise<number> {
    return (await this.frames.get()).values[0]?.value ?? 0;
  }
}
