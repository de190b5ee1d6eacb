// Typed, lazy, zero-copy body views and one-allocation body builders (data-plane.md §2.7–§2.11,
// §3.4, decisions §4). `body-bounds` stays internal.
export * from './typed-payload-descriptor';
export * from './typed-payload-region';
export * from './typed-payload-body-builder';
export * from './body-region-prelude';
export * from './body-composer';
export * from './inline-object-block';
export * from './object-reference-block';
export * from './object-reference-region';
export * from './tile-index';
export * from './tensor-section';
export * from './tensor-section-writer';
export * from './tensor-body-view';
export * from './tensor-body-builder';
export * from './token-chunks';
export * from './token-body-builder';
