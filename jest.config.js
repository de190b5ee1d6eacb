/** @type {import('jest').Config} */
const swcConfig = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcConfig] },
  moduleNameMapper: {
    '^@nest-nnrp/protocol$': '<rootDir>/libs/nnrp-protocol/src/index.ts',
    '^@nest-nnrp/nest$': '<rootDir>/libs/nnrp-nest/src/index.ts',
    // ESM-only package loaded by the QUIC carrier through `import()`; see the shim for why.
    '^@matrixai/quic$': '<rootDir>/libs/nnrp-nest/test/carriers/matrixai-quic.jest-shim.ts',
  },
  testTimeout: 20000,
};
