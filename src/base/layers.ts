// base/layers.ts - the layering rule of shared/docs/DESIGN.md, declared once. scripts/check-layers.ts
// enforces it in CI: a file in layer N may import only layers 0..N (itself and the layers above it in the
// list), and only `host` may use Node's built-in modules.

export const LAYERS = ['base', 'abi', 'cpu', 'machine', 'hv', 'dom0', 'toolstack', 'host'] as const;
export type Layer = (typeof LAYERS)[number];

/** Layers whose files may import Node built-ins (`node:fs`, `fs`, ...). */
export const NODE_LAYERS: readonly Layer[] = ['host'];

export function layerIndex(layer: string): number {
  return (LAYERS as readonly string[]).indexOf(layer);
}

/** May a file in layer `from` import a module of layer `to`? */
export function mayImport(from: Layer, to: Layer): boolean {
  return layerIndex(to) <= layerIndex(from);
}
