/**
 * `useInput`, one key at a time: Ink 6 hands a handler whatever arrived in one read, so a burst
 * ("abc\tdef", an arrow key and text) would count as one key. This hook listens to the same
 * input Ink reads, splits each chunk into keys (key-stream.ts) and calls the handler per key.
 */
import { useStdin } from 'ink';
import type { EventEmitter } from 'node:events';
import { useEffect, useRef } from 'react';
import { splitKeys, type KeyInfo } from '../src/wizard/index.js';

export function useKeys(handler: (input: string, key: KeyInfo) => void, opts: { isActive?: boolean } = {}): void {
  const stdin = useStdin() as ReturnType<typeof useStdin> & { internal_eventEmitter?: EventEmitter };
  const { setRawMode, internal_eventEmitter: events } = stdin;
  const active = opts.isActive !== false && stdin.isRawModeSupported === true;
  // The latest handler sees the latest state; the listener itself stays put.
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!active) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [active, setRawMode]);
  useEffect(() => {
    if (!active || !events) return;
    const onInput = (chunk: string) => {
      for (const k of splitKeys(String(chunk))) latest.current(k.input, k.key);
    };
    events.on('input', onInput);
    return () => {
      events.removeListener('input', onInput);
    };
  }, [active, events]);
}
