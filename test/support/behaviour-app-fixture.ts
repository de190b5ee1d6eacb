import { Type } from '@nestjs/common';
import { NnrpTransportOptions } from '@nest-nnrp/nest';
import { BehaviourController } from './behaviour-controller';
import { CarrierMode } from './carrier-mode';
import { FrameProbe } from './frame-probe';
import { NnrpTestApp, startNnrpTestApp } from './nnrp-test-app';
import { destroyClients } from './nnrp-test-client';

/** The app a suite runs against, and the probe of what its handlers saw. */
export interface BehaviourApp {
  readonly server: NnrpTestApp;
  readonly probe: FrameProbe;
}

/**
 * Registers the usual hooks of a suite inside `describe`: start the app (controllers, with
 * {@link FrameProbe}) over `mode` before all tests, destroy the test clients and raw peers after
 * each, close the app after all. The returned object is filled in by then.
 */
export function useBehaviourApp(
  mode: CarrierMode,
  options: NnrpTransportOptions = {},
  controllers: Type<unknown>[] = [BehaviourController],
): BehaviourApp {
  let started: BehaviourApp | undefined;
  beforeAll(async () => {
    const server = await startNnrpTestApp(controllers, options, [FrameProbe], mode);
    started = { server, probe: server.app.get(FrameProbe) };
  });
  afterEach(() => destroyClients());
  afterAll(() => started?.server.close());
  const get = (): BehaviourApp => {
    if (started === undefined) throw new Error('the app starts in beforeAll');
    return started;
  };
  return {
    get server() {
      return get().server;
    },
    get probe() {
      return get().probe;
    },
  };
}
