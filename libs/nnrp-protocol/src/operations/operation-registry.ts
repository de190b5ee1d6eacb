import { CancelScope } from './cancel-scope';
import { OperationError, OperationErrorKind } from './operation-error';
import {
  canTransitionOperation,
  isTerminalOperationState,
  OperationState,
} from './operation-state';

/**
 * What identifies an operation (`OperationDescriptor`, data-plane.md §7.2). In preview3 the
 * operation id of a submit is its `frame_id` widened to u64 (§7.1).
 */
export interface OperationDescriptor {
  /** Non-zero. */
  sessionId: number;
  /** Non-zero u64. */
  operationId: bigint;
  /** A registered operation of the same session, never the operation itself. */
  parentOperationId?: bigint;
  /** Non-zero when present. */
  operationGroupId?: bigint;
}

/** A registered operation and its lifecycle state. */
export interface OperationRecord {
  readonly descriptor: Readonly<OperationDescriptor>;
  readonly state: OperationState;
}

/** A cancel (`OperationCancelRequest`, §7.4). FRAME_CANCEL maps to scope `Operation`. */
export interface OperationCancelRequest {
  sessionId: number;
  operationId: bigint;
  scope: CancelScope;
}

interface MutableRecord {
  readonly descriptor: Readonly<OperationDescriptor>;
  state: OperationState;
}

/**
 * The operation registry of data-plane.md §7.2–7.4: a pure, timer-free map keyed by operation id.
 *
 * Memory: the reference never removes records, which is how it refuses a reused frame id for the
 * whole life of a session. That grows without bound, so this class lets the owner drop records
 * with {@link forget} / {@link clear}. **Once a record is forgotten, its id can be registered
 * again: frame-id uniqueness after that point is the caller's concern** (e.g. a per-session
 * high-water mark of frame ids).
 */
export class OperationRegistry {
  private readonly records = new Map<bigint, MutableRecord>();
  /** parent id → child ids, so subtree cancels do not rescan every record per level. */
  private readonly children = new Map<bigint, Set<bigint>>();

  /** Number of records held. */
  get size(): number {
    return this.records.size;
  }

  /**
   * Registers an operation in state `accepted`. Rejects, in the reference order: session id 0,
   * operation id 0, parent = self, group id 0 (all `InvalidOperationRelationship`); an id already
   * present (`OperationAlreadyExists`); an absent parent (`UnknownOperation`); a parent of another
   * session (`InvalidOperationRelationship`).
   */
  register(descriptor: Readonly<OperationDescriptor>): void {
    const { sessionId, operationId, parentOperationId, operationGroupId } = descriptor;
    requireRelationship(sessionId !== 0, 'operation session_id must be non-zero');
    requireRelationship(operationId !== 0n, 'operation_id must be non-zero');
    requireRelationship(parentOperationId !== operationId, 'operation cannot be its own parent');
    requireRelationship(
      operationGroupId !== 0n,
      'operation_group_id must be non-zero when present',
    );
    if (this.records.has(operationId)) {
      throw new OperationError(
        OperationErrorKind.OperationAlreadyExists,
        { operationId },
        `operation ${operationId} already exists`,
      );
    }
    if (parentOperationId !== undefined) {
      requireRelationship(
        this.require(parentOperationId).descriptor.sessionId === sessionId,
        'parent operation must belong to the same session',
      );
      const siblings = this.children.get(parentOperationId) ?? new Set<bigint>();
      siblings.add(operationId);
      this.children.set(parentOperationId, siblings);
    }
    this.records.set(operationId, {
      descriptor: Object.freeze({ ...descriptor }),
      state: OperationState.Accepted,
    });
  }

  /**
   * Moves an operation to `next` if the §7.3 table allows it (`UnknownOperation`,
   * `InvalidOperationTransition` otherwise).
   */
  transition(operationId: bigint, next: OperationState): void {
    const record = this.require(operationId);
    if (!canTransitionOperation(record.state, next)) {
      throw new OperationError(
        OperationErrorKind.InvalidOperationTransition,
        { operationId, from: record.state, to: next },
        `operation ${operationId}: invalid transition ${OperationState[record.state]} -> ${OperationState[next]}`,
      );
    }
    record.state = next;
  }

  /** The state of an operation, or `undefined` when it is not (or no longer) registered. */
  state(operationId: bigint): OperationState | undefined {
    return this.records.get(operationId)?.state;
  }

  /** The record of an operation, or `undefined`. */
  get(operationId: bigint): OperationRecord | undefined {
    return this.records.get(operationId);
  }

  /** Whether an operation is registered. */
  has(operationId: bigint): boolean {
    return this.records.has(operationId);
  }

  /** Whether a registered operation is in a terminal state (`UnknownOperation` if absent). */
  isTerminal(operationId: bigint): boolean {
    return isTerminalOperationState(this.require(operationId).state);
  }

  /**
   * Cancels every non-terminal operation in the request's scope (§7.4). The target must exist
   * (`UnknownOperation`) and belong to `sessionId`; a group cancel needs a target with a group
   * (both `InvalidOperationRelationship`). Terminal operations are left untouched.
   *
   * @returns the ids actually moved to `cancelled`, ascending.
   */
  cancel(request: Readonly<OperationCancelRequest>): bigint[] {
    const target = this.require(request.operationId);
    requireRelationship(
      target.descriptor.sessionId === request.sessionId,
      'cancel request session_id must match the target operation',
    );
    const changed: bigint[] = [];
    for (const operationId of [...this.scopeOf(target, request)].sort(compareIds)) {
      const record = this.records.get(operationId);
      if (record !== undefined && !isTerminalOperationState(record.state)) {
        record.state = OperationState.Cancelled;
        changed.push(operationId);
      }
    }
    return changed;
  }

  /** Drops records (finished operations, typically). Unknown ids are ignored. */
  forget(operationIds: Iterable<bigint>): void {
    for (const operationId of operationIds) {
      const parent = this.records.get(operationId)?.descriptor.parentOperationId;
      if (parent !== undefined) {
        const siblings = this.children.get(parent);
        siblings?.delete(operationId);
        if (siblings?.size === 0) this.children.delete(parent);
      }
      this.records.delete(operationId);
      this.children.delete(operationId);
    }
  }

  /** Drops every record. */
  clear(): void {
    this.records.clear();
    this.children.clear();
  }

  private require(operationId: bigint): MutableRecord {
    const record = this.records.get(operationId);
    if (record === undefined) {
      throw new OperationError(
        OperationErrorKind.UnknownOperation,
        { operationId },
        `unknown operation ${operationId}`,
      );
    }
    return record;
  }

  private scopeOf(target: MutableRecord, request: Readonly<OperationCancelRequest>): Set<bigint> {
    switch (request.scope) {
      case CancelScope.Operation:
        return new Set([request.operationId]);
      case CancelScope.Subtree:
        return this.subtreeOf(request.operationId);
      case CancelScope.Group: {
        const group = target.descriptor.operationGroupId;
        requireRelationship(
          group !== undefined,
          'group cancel requires the target operation to have an operation_group_id',
        );
        return this.idsWhere((d) => d.operationGroupId === group);
      }
      case CancelScope.Session:
        return this.idsWhere((d) => d.sessionId === request.sessionId);
      default:
        // The reference's scope is a closed enum; an unchecked number cancels nothing.
        return new Set();
    }
  }

  private subtreeOf(root: bigint): Set<bigint> {
    const collected = new Set<bigint>();
    const stack = [root];
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      if (collected.has(id)) continue;
      collected.add(id);
      stack.push(...(this.children.get(id) ?? []));
    }
    return collected;
  }

  private idsWhere(predicate: (descriptor: Readonly<OperationDescriptor>) => boolean): Set<bigint> {
    const ids = new Set<bigint>();
    for (const [operationId, record] of this.records) {
      if (predicate(record.descriptor)) ids.add(operationId);
    }
    return ids;
  }
}

function requireRelationship(ok: boolean, rule: string): void {
  if (!ok) {
    throw new OperationError(OperationErrorKind.InvalidOperationRelationship, { rule }, rule);
  }
}

function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
