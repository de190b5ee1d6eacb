import fc from 'fast-check';
import {
  CancelScope,
  canTransitionOperation,
  isOperationError,
  isTerminalOperationState,
  OperationDescriptor,
  OperationError,
  OperationErrorKind,
  OperationRegistry,
  OperationState,
} from '../../src/operations';

const S = OperationState;

/** data-plane.md §7.3, written out independently of the implementation. */
const ALLOWED: Record<OperationState, OperationState[]> = {
  [S.Accepted]: [S.Running, S.Superseded, S.Cancelled, S.Failed],
  [S.Running]: [S.Partial, S.WaitingTool, S.Superseded, S.Cancelled, S.Failed, S.Completed],
  [S.Partial]: [S.Partial, S.WaitingTool, S.Superseded, S.Cancelled, S.Failed, S.Completed],
  [S.WaitingTool]: [S.Running, S.Superseded, S.Cancelled, S.Failed],
  [S.Superseded]: [],
  [S.Cancelled]: [],
  [S.Failed]: [],
  [S.Completed]: [],
};
const STATES = Object.keys(ALLOWED).map(Number) as OperationState[];

function caught(fn: () => unknown): OperationError {
  try {
    fn();
  } catch (error) {
    if (isOperationError(error)) return error;
    throw error;
  }
  throw new Error('expected an OperationError');
}

const op = (
  operationId: bigint,
  parentOperationId?: bigint,
  operationGroupId?: bigint,
  sessionId = 42,
): OperationDescriptor => ({ sessionId, operationId, parentOperationId, operationGroupId });

describe('operation lifecycle table (data-plane.md §7.3)', () => {
  it('has the spec values and terminal states', () => {
    expect(STATES).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(STATES.filter(isTerminalOperationState)).toEqual([
      S.Superseded,
      S.Cancelled,
      S.Failed,
      S.Completed,
    ]);
  });

  it.each(STATES)('from %i allows exactly the listed next states', (from) => {
    expect(STATES.filter((to) => canTransitionOperation(from, to))).toEqual(ALLOWED[from]);
  });

  it('a registry follows the table for any sequence of requested states', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATES), { maxLength: 12 }), (requests) => {
        const registry = new OperationRegistry();
        registry.register(op(1n));
        let model: OperationState = S.Accepted;
        for (const next of requests) {
          if (ALLOWED[model].includes(next)) {
            registry.transition(1n, next);
            model = next;
          } else {
            const error = caught(() => registry.transition(1n, next));
            expect(error.kind).toBe(OperationErrorKind.InvalidOperationTransition);
            expect(error.detail).toEqual({ operationId: 1n, from: model, to: next });
          }
          expect(registry.state(1n)).toBe(model);
          expect(registry.isTerminal(1n)).toBe(isTerminalOperationState(model));
        }
      }),
    );
  });
});

describe('OperationRegistry.register (data-plane.md §7.2)', () => {
  const relationship = (rule: string) => ({
    kind: OperationErrorKind.InvalidOperationRelationship,
    detail: { rule },
  });

  it('starts operations in accepted and keeps their descriptor', () => {
    const registry = new OperationRegistry();
    registry.register(op(1n, undefined, 7n));
    registry.register(op(2n, 1n, 7n));
    expect(registry.size).toBe(2);
    expect(registry.get(2n)).toEqual({ descriptor: op(2n, 1n, 7n), state: S.Accepted });
    expect(registry.has(3n)).toBe(false);
    expect(registry.state(3n)).toBeUndefined();
  });

  it.each<[string, OperationDescriptor, object]>([
    [
      'session 0',
      { ...op(1n), sessionId: 0 },
      relationship('operation session_id must be non-zero'),
    ],
    ['operation 0', op(0n), relationship('operation_id must be non-zero')],
    ['own parent', op(5n, 5n), relationship('operation cannot be its own parent')],
    [
      'group 0',
      op(5n, undefined, 0n),
      relationship('operation_group_id must be non-zero when present'),
    ],
    [
      'duplicate id',
      op(1n),
      { kind: OperationErrorKind.OperationAlreadyExists, detail: { operationId: 1n } },
    ],
    [
      'absent parent',
      op(5n, 99n),
      { kind: OperationErrorKind.UnknownOperation, detail: { operationId: 99n } },
    ],
    [
      'parent of another session',
      op(5n, 1n, undefined, 43),
      relationship('parent operation must belong to the same session'),
    ],
  ])('rejects %s', (_name, descriptor, expected) => {
    const registry = new OperationRegistry();
    registry.register(op(1n));
    expect(caught(() => registry.register(descriptor))).toMatchObject(expected);
    expect(registry.size).toBe(1);
  });

  it('checks in the reference order when several rules break', () => {
    const registry = new OperationRegistry();
    registry.register(op(1n));
    // session 0 + operation 0 → the session rule.
    expect(caught(() => registry.register({ ...op(0n), sessionId: 0 })).detail.rule).toBe(
      'operation session_id must be non-zero',
    );
    // own parent + group 0 → the parent rule.
    expect(caught(() => registry.register(op(3n, 3n, 0n))).detail.rule).toBe(
      'operation cannot be its own parent',
    );
    // group 0 + duplicate id → the group rule.
    expect(caught(() => registry.register(op(1n, undefined, 0n))).kind).toBe(
      OperationErrorKind.InvalidOperationRelationship,
    );
    // duplicate id + absent parent → duplicate.
    expect(caught(() => registry.register(op(1n, 99n))).kind).toBe(
      OperationErrorKind.OperationAlreadyExists,
    );
  });
});

describe('OperationRegistry.transition / isTerminal', () => {
  it('reports unknown operations', () => {
    const registry = new OperationRegistry();
    expect(caught(() => registry.transition(9n, S.Running))).toMatchObject({
      kind: OperationErrorKind.UnknownOperation,
      detail: { operationId: 9n },
    });
    expect(caught(() => registry.isTerminal(9n)).kind).toBe(OperationErrorKind.UnknownOperation);
  });

  it('follows the recommended server path accepted → running → partial → completed', () => {
    const registry = new OperationRegistry();
    registry.register(op(1n));
    expect(caught(() => registry.transition(1n, S.Completed)).kind).toBe(
      OperationErrorKind.InvalidOperationTransition,
    );
    for (const next of [S.Running, S.Partial, S.Partial, S.Completed])
      registry.transition(1n, next);
    expect(registry.isTerminal(1n)).toBe(true);
  });
});

describe('OperationRegistry.cancel (data-plane.md §7.4)', () => {
  /** The reference's fixture: 1 ← 2 ← 3 by parent, groups 7/7/8/7/9, 5 completed. */
  function fixture(): OperationRegistry {
    const registry = new OperationRegistry();
    registry.register(op(1n, undefined, 7n));
    registry.register(op(2n, 1n, 7n));
    registry.register(op(3n, 2n, 8n));
    registry.register(op(4n, undefined, 7n));
    registry.register(op(5n, undefined, 9n));
    registry.transition(5n, S.Running);
    registry.transition(5n, S.Completed);
    return registry;
  }

  it('cancels a subtree, then a group, then the session, skipping terminal ones', () => {
    const registry = fixture();
    expect(registry.cancel({ sessionId: 42, operationId: 2n, scope: CancelScope.Subtree })).toEqual(
      [2n, 3n],
    );
    expect(registry.state(1n)).toBe(S.Accepted);
    expect(registry.cancel({ sessionId: 42, operationId: 1n, scope: CancelScope.Group })).toEqual([
      1n,
      4n,
    ]);
    expect(registry.cancel({ sessionId: 42, operationId: 5n, scope: CancelScope.Session })).toEqual(
      [],
    );
    expect(registry.state(5n)).toBe(S.Completed);
  });

  it('returns ids ascending and reaches transitive children', () => {
    const registry = new OperationRegistry();
    registry.register(op(30n));
    registry.register(op(4n, 30n));
    registry.register(op(100n, 4n));
    registry.register(op(2n, 100n));
    registry.register(op(50n));
    expect(
      registry.cancel({ sessionId: 42, operationId: 30n, scope: CancelScope.Subtree }),
    ).toEqual([2n, 4n, 30n, 100n]);
    expect(registry.state(50n)).toBe(S.Accepted);
  });

  it('operation scope touches the target only; a terminal target is a no-op', () => {
    const registry = fixture();
    expect(
      registry.cancel({ sessionId: 42, operationId: 1n, scope: CancelScope.Operation }),
    ).toEqual([1n]);
    expect(registry.state(2n)).toBe(S.Accepted);
    expect(
      registry.cancel({ sessionId: 42, operationId: 1n, scope: CancelScope.Operation }),
    ).toEqual([]);
  });

  it('session scope stays inside the request session', () => {
    const registry = fixture();
    registry.register(op(6n, undefined, undefined, 43));
    expect(registry.cancel({ sessionId: 43, operationId: 6n, scope: CancelScope.Session })).toEqual(
      [6n],
    );
    expect(registry.state(1n)).toBe(S.Accepted);
  });

  it('rejects an unknown target, a foreign session and a group cancel without group', () => {
    const registry = fixture();
    registry.register(op(6n));
    expect(
      caught(() =>
        registry.cancel({ sessionId: 42, operationId: 9n, scope: CancelScope.Operation }),
      ),
    ).toMatchObject({ kind: OperationErrorKind.UnknownOperation, detail: { operationId: 9n } });
    expect(
      caught(() =>
        registry.cancel({ sessionId: 7, operationId: 1n, scope: CancelScope.Operation }),
      ),
    ).toMatchObject({
      kind: OperationErrorKind.InvalidOperationRelationship,
      detail: { rule: 'cancel request session_id must match the target operation' },
    });
    expect(
      caught(() => registry.cancel({ sessionId: 42, operationId: 6n, scope: CancelScope.Group })),
    ).toMatchObject({
      kind: OperationErrorKind.InvalidOperationRelationship,
      detail: { rule: 'group cancel requires the target operation to have an operation_group_id' },
    });
    expect(registry.state(6n)).toBe(S.Accepted);
  });
});

describe('OperationRegistry memory bounds', () => {
  it('forget drops records and their subtree links; the id may then be reused', () => {
    const registry = new OperationRegistry();
    registry.register(op(1n));
    registry.register(op(2n, 1n));
    registry.register(op(3n, 2n));
    registry.forget([2n, 404n]);
    expect(registry.size).toBe(2);
    expect(registry.has(2n)).toBe(false);
    expect(registry.cancel({ sessionId: 42, operationId: 1n, scope: CancelScope.Subtree })).toEqual(
      [1n],
    );
    registry.register(op(2n));
    expect(registry.state(2n)).toBe(S.Accepted);
  });

  it('clear drops everything', () => {
    const registry = new OperationRegistry();
    registry.register(op(1n));
    registry.register(op(2n, 1n));
    registry.clear();
    expect(registry.size).toBe(0);
    registry.register(op(1n));
    expect(registry.cancel({ sessionId: 42, operationId: 1n, scope: CancelScope.Subtree })).toEqual(
      [1n],
    );
  });

  it('stays bounded when a server forgets each finished frame', () => {
    const registry = new OperationRegistry();
    for (let frame = 1n; frame <= 10_000n; frame += 1n) {
      registry.register(op(frame));
      registry.transition(frame, S.Running);
      registry.transition(frame, S.Completed);
      registry.forget([frame]);
    }
    expect(registry.size).toBe(0);
  });
});
