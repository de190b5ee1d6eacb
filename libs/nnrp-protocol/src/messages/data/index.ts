export * from './payload-kind';
export * from './budget-policy';
export * from './submit-vocabulary';
export * from './result-vocabulary';
export * from './frame-submit';
export * from './result-push';
export * from './result-push-semantics';
