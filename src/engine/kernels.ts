/**
 * Kernels the wasm backend lacks, supplied so that training runs on wasm.
 * IN PROGRESS (issue 2): Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter,
 * DepthwiseConv2dNativeBackpropInput are being added here.
 */
export function registerMissingWasmKernels(): void {
  // filled in by the engine work of issue 2
}
