/** Profile names accepted in a submit pattern, besides the numeric profile id. */
export type NnrpProfileName = 'unspecified' | 'tensor' | 'token';

/**
 * Which submits a handler takes. Every field narrows the match; a handler with none is the
 * catch-all. When several match, the one naming the most fields wins.
 */
export interface NnrpSubmitPattern {
  /** The session's profile (SESSION_OPEN `profile_id`, or the hello's accepted profile). */
  profile?: NnrpProfileName | number;
  /** The session's schema id. */
  schemaId?: number;
  /** The session's schema version (with `schemaId`). */
  schemaVersion?: number;
  /** The submit's header `view_id`. */
  viewId?: number;
  /** The submit's header `route_id`. */
  routeId?: number;
  /**
   * A model name: matches submits whose `route_id` the transport option `modelRoutes` maps to
   * this name (the wire carries no model name, decisions.md §9).
   */
  model?: string;
}

const PROFILE_IDS: Readonly<Record<NnrpProfileName, number>> = {
  unspecified: 0,
  tensor: 1,
  token: 2,
};

/** The numeric profile id of a pattern's `profile`. */
export function profileIdOf(profile: NnrpProfileName | number): number {
  return typeof profile === 'number' ? profile : PROFILE_IDS[profile];
}
