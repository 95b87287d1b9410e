/**
 * A minimal protobuf writer for the parts of ONNX's ModelProto that small tabular models need (graph, nodes,
 * float initializers, tensor value infos, opset imports), so tests and tools can produce an ONNX model without a
 * protobuf or ONNX package. Field numbers follow onnx/onnx.proto (IR version 8).
 */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private rawVarint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(bytes));
  }

  private tag(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.rawVarint((field << 3) | wireType);
  }

  varint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, bytes);
  }

  packedVarints(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const value of values) inner.rawVarint(value);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

/** TensorProto.DataType.FLOAT */
const FLOAT = 1;

export type OnnxAttribute = { readonly name: string; readonly float: number } | { readonly name: string; readonly int: number } | { readonly name: string; readonly ints: readonly number[] };

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: readonly OnnxAttribute[];
}

export interface OnnxFloatTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: ArrayLike<number>;
}

/** A float tensor input or output; a string dimension is symbolic (e.g. 'rows'). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxFloatTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModelOptions {
  readonly irVersion?: number;
  readonly opsetVersion?: number;
  readonly producerName?: string;
}

function writeAttribute(writer: ProtoWriter, attribute: OnnxAttribute): void {
  writer.string(1, attribute.name);
  if ('float' in attribute) writer.float(2, attribute.float).varint(20, 1);
  else if ('int' in attribute) writer.varint(3, attribute.int).varint(20, 2);
  else writer.packedVarints(8, attribute.ints).varint(20, 7);
}

function writeValueInfo(writer: ProtoWriter, info: OnnxValueInfo): void {
  writer.string(1, info.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.varint(1, FLOAT).message(2, (shape) => {
        for (const dim of info.shape) shape.message(1, (d) => (typeof dim === 'number' ? d.varint(1, dim) : d.string(2, dim)));
      }),
    ),
  );
}

/** The serialized ModelProto of `graph`: bytes `InferenceSession.create` accepts. */
export function encodeOnnxModel(graph: OnnxGraph, options: OnnxModelOptions = {}): Uint8Array {
  return new ProtoWriter()
    .varint(1, options.irVersion ?? 8)
    .string(2, options.producerName ?? 'kairos')
    .message(7, (g) => {
      for (const node of graph.nodes) {
        g.message(1, (n) => {
          for (const input of node.inputs) n.string(1, input);
          for (const output of node.outputs) n.string(2, output);
          if (node.name) n.string(3, node.name);
          n.string(4, node.opType);
          for (const attribute of node.attributes ?? []) n.message(5, (a) => writeAttribute(a, attribute));
        });
      }
      g.string(2, graph.name);
      for (const tensor of graph.initializers) {
        g.message(5, (t) => {
          t.packedVarints(1, tensor.dims).varint(2, FLOAT).packedFloats(4, tensor.values).string(8, tensor.name);
        });
      }
      for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
      for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
    })
    .message(8, (opset) => opset.string(1, '').varint(2, options.opsetVersion ?? 13))
    .finish();
}
