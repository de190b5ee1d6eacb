it('loads', async () => {
  const m = (await import('./zz-shim')) as unknown as { native: { quiche: { Connection: unknown; Header: { fromSlice(b: Uint8Array, n: number): unknown } } } };
  console.log(typeof m.native.quiche.Connection, Object.keys(m));
  try { m.native.quiche.Header.fromSlice(Buffer.alloc(2), 20); } catch (e) { console.log(e instanceof Error, (e as Error).message, Object.prototype.toString.call(e)); }
});
