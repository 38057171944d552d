/**
 * Standard input, whole, for `--batch -` and `screen -`: read as a stream, never with a synchronous read of fd 0.
 * A synchronous read fails where the stream does not: EAGAIN on a pipe a parent left non-blocking (a writer
 * that is still writing), EOF or EISDIR on Windows pipes and consoles, ENOENT/ENXIO where /dev/stdin is not a
 * file. The stream waits for the writer to finish, whatever fd 0 is.
 *
 * `maxBytes`: stop reading once more than this has come (the caller's size check then refuses the input), so
 * that an endless or huge input is never held whole in memory.
 */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin, maxBytes = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    total += bytes.length;
    if (total > maxBytes) break;
  }
  return Buffer.concat(chunks);
}
