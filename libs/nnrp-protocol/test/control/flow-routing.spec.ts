import { NnrpErrorKind } from '../../src/errors/nnrp-error-kind';
import {
  BackpressureLevel,
  FlowFlag,
  FlowScopeKind,
  FlowUpdateMetadata,
  FlowUpdateReason,
  validateFlowUpdateRouting,
} from '../../src/messages/control';
import { expectProtocolError } from './control-test-helpers';

// The FLOW_UPDATE routing table of control-plane.md §4.15.

const BASE: FlowUpdateMetadata = {
  scopeKind: FlowScopeKind.Session,
  updateReason: FlowUpdateReason.Grant,
  backpressureLevel: BackpressureLevel.None,
  connectionCredit: 0,
  sessionCredit: 0,
  operationCredit: 0,
  operationId: 0n,
  retryAfterMs: 0,
  creditEpoch: 1,
  flowFlags: FlowFlag.CreditValid,
};
const CONNECTION_RULE =
  'connection-scope FLOW_UPDATE requires header.session_id=0 and non-connection fields cleared';
const SESSION_RULE =
  'session-scope FLOW_UPDATE requires header.session_id!=0 and non-session fields cleared';
const OPERATION_RULE =
  'operation-scope FLOW_UPDATE requires header.session_id!=0 and operation_id!=0';
const PYTHON_OPERATION_RULE =
  'operation-scope FLOW_UPDATE must not carry connection_credit or session_credit';
const RETRY_RULE = 'FLOW_UPDATE retry_after_ms requires retry_after_valid flag';

const connection = (change: Partial<FlowUpdateMetadata>): FlowUpdateMetadata => ({
  ...BASE,
  scopeKind: FlowScopeKind.Connection,
  connectionCredit: 6,
  ...change,
});
const session = (change: Partial<FlowUpdateMetadata>): FlowUpdateMetadata => ({
  ...BASE,
  sessionCredit: 2,
  ...change,
});
const operation = (change: Partial<FlowUpdateMetadata>): FlowUpdateMetadata => ({
  ...BASE,
  scopeKind: FlowScopeKind.Operation,
  operationCredit: 1,
  operationId: 99n,
  ...change,
});

describe('validateFlowUpdateRouting (§4.15)', () => {
  // prettier-ignore
  it.each<[string, number, FlowUpdateMetadata]>([
    ['connection scope on sid 0', 0, connection({})],
    ['session scope on its session', 42, session({})],
    ['operation scope with an operation id', 42, operation({})],
    ['operation scope with other credits (Rust accepts them)', 42, operation({ sessionCredit: 3 })],
    ['a retry-after with its flag', 42, session({ retryAfterMs: 10, flowFlags: FlowFlag.RetryAfterValid })],
  ])('accepts %s', (_label, sid, m) => {
    expect(() => validateFlowUpdateRouting(sid, m)).not.toThrow();
  });

  // prettier-ignore
  it.each<[string, number, FlowUpdateMetadata, string]>([
    ['connection scope on a session', 42, connection({}), CONNECTION_RULE],
    ['connection scope with a session credit', 0, connection({ sessionCredit: 1 }), CONNECTION_RULE],
    ['connection scope with an operation credit', 0, connection({ operationCredit: 1 }), CONNECTION_RULE],
    ['connection scope with an operation id', 0, connection({ operationId: 1n }), CONNECTION_RULE],
    ['session scope on sid 0', 0, session({}), SESSION_RULE],
    ['session scope with a connection credit', 42, session({ connectionCredit: 1 }), SESSION_RULE],
    ['session scope with an operation credit', 42, session({ operationCredit: 1 }), SESSION_RULE],
    ['session scope with an operation id', 42, session({ operationId: 1n }), SESSION_RULE],
    ['operation scope on sid 0', 0, operation({}), OPERATION_RULE],
    ['operation scope without an operation id', 42, operation({ operationId: 0n }), OPERATION_RULE],
    ['a retry-after without its flag', 42, session({ retryAfterMs: 10 }), RETRY_RULE],
  ])('refuses %s', (_label, sid, m, rule) => {
    expectProtocolError(
      () => validateFlowUpdateRouting(sid, m),
      NnrpErrorKind.InvalidProtocolCombination,
      rule,
    );
  });

  it('strict mode adds the Python sender rule for operation scope', () => {
    expect(() => validateFlowUpdateRouting(42, operation({}), true)).not.toThrow();
    for (const change of [{ connectionCredit: 1 }, { sessionCredit: 1 }]) {
      expectProtocolError(
        () => validateFlowUpdateRouting(42, operation(change), true),
        NnrpErrorKind.InvalidProtocolCombination,
        PYTHON_OPERATION_RULE,
      );
    }
  });
});
