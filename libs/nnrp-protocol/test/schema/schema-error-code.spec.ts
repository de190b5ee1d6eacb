import { SCHEMA_ERROR_CODE_NAMES, SchemaErrorCode } from '../../src/schema';
import { loadConformanceVectors } from '../vectors/vector-file';

const PREFIX = 'preview3.value.schema_error_code.';

describe('SchemaErrorCode (data-plane.md §9.4)', () => {
  it('has the reference values', () => {
    expect(SchemaErrorCode.None).toBe(0x00040000);
    expect(SchemaErrorCode.Unknown).toBe(0x00040001);
    expect(SchemaErrorCode.VersionUnknown).toBe(0x00040002);
    expect(SchemaErrorCode.HashConflict).toBe(0x00040003);
    expect(SchemaErrorCode.Incompatible).toBe(0x00040004);
    expect(SchemaErrorCode.DependencyMissing).toBe(0x00040005);
    expect(SchemaErrorCode.UpdateRejected).toBe(0x00040006);
  });

  it('matches every schema_error_code vector by name and value', () => {
    const vectors = loadConformanceVectors().filter((v) => v.name.startsWith(PREFIX));
    expect(vectors.map((v) => v.name.slice(PREFIX.length)).sort()).toEqual(
      Object.keys(SCHEMA_ERROR_CODE_NAMES).sort(),
    );
    for (const vector of vectors) {
      const code = SCHEMA_ERROR_CODE_NAMES[vector.name.slice(PREFIX.length)];
      expect(Buffer.from(vector.hex, 'hex').readUInt32LE(0)).toBe(code);
      expect(vector.fields.value).toBe(code);
    }
  });
});
