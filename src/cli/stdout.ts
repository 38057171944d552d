/**
 * Standard output closed by its reader (`sanctions lists --json | head -1`): stop writing and carry on
 * quietly, instead of dying on EPIPE with a stack trace. A refresh keeps doing its data work to the end:
 * only its report is lost.
 */
export interface GuardedOutput {
  write(text: string): void;
  readonly closed: boolean;
}

export function guardOutput(stream: NodeJS.WriteStream): GuardedOutput {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw err;
  });
  return {
    write(text) {
      if (!closed) stream.write(text);
    },
    get closed() {
      return closed;
    },
  };
}
