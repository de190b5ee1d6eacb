/**
 * Session ids for the tests to request. The server reuses the lowest free id, so probe signals
 * keyed by session id could meet a previous test's session; every test session therefore asks
 * for an id no earlier test of the file used.
 */
let lastSessionId = 100;

/** A session id not requested before in this test file. */
export function freshSessionId(): number {
  lastSessionId += 1;
  return lastSessionId;
}
