import { onnx } from 'onnx-proto';

const { AttributeType } = onnx.AttributeProto;
const utf8 = new TextEncoder();

/**
 * Typed constructors for ONNX node attributes. ONNX distinguishes INT from FLOAT (and their list
 * forms), which a bare JavaScript number cannot express, hence one constructor per type.
 */

/** An `INT` attribute (e.g. `group`, `axis`). */
export function intAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

/** An `INTS` attribute (e.g. `kernel_shape`, `pads`, `perm`). */
export function intsAttribute(name: string, values: readonly number[]): onnx.IAttributeProto {
  return { name, type: AttributeType.INTS, ints: [...values] };
}

/** A `FLOAT` attribute (e.g. `alpha`). */
export function floatAttribute(name: string, value: number): onnx.IAttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

/** A `STRING` attribute (e.g. `mode`); ONNX strings are UTF-8 bytes. */
export function stringAttribute(name: string, value: string): onnx.IAttributeProto {
  return { name, type: AttributeType.STRING, s: utf8.encode(value) };
}
