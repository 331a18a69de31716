/** @module Test helper: pushes values through a TransformStream and collects everything it emits. */

export async function runTransform<I, O>(transform: TransformStream<I, O>, inputs: readonly I[]): Promise<O[]> {
  const output: O[] = [];
  const reading = (async () => {
    const reader = transform.readable.getReader();
    for (let result = await reader.read(); !result.done; result = await reader.read()) output.push(result.value);
  })();
  const writer = transform.writable.getWriter();
  try {
    for (const input of inputs) await writer.write(input);
    await writer.close();
  } catch {
    // a transform that terminates early (limitOutput) rejects further writes: what it emitted is the result
  }
  await reading;
  return output;
}
