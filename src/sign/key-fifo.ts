/**
 * Handing a private key to a tool that only reads PEM files (sign-file) when the user's key is
 * DER, without writing the key to any file: the PEM text goes through a named pipe in a private
 * (0700) temporary directory. A FIFO holds no data on disk; the bytes pass through kernel memory.
 * (An anonymous /dev/fd/N does not work: Node's child pipes are sockets, which /dev/fd cannot open.)
 */
import { constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

export async function withKeyFifo<T>(pem: string, run: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dudforge-key-'));
  let finished = false;
  try {
    const fifo = join(dir, 'key.pem');
    await execa('mkfifo', ['-m', '600', fifo]);
    // Open the write end only once the tool has opened the read end (O_NONBLOCK gives ENXIO
    // until then), so a tool that fails before reading the key leaves nothing blocked.
    const feeder = (async () => {
      while (!finished) {
        try {
          const handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
          try {
            await handle.write(pem);
          } finally {
            await handle.close();
          }
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
          await sleep(5);
        }
      }
    })();
    try {
      return await run(fifo);
    } finally {
      finished = true;
      await feeder.catch(() => undefined);
    }
  } finally {
    finished = true;
    await rm(dir, { recursive: true, force: true });
  }
}
