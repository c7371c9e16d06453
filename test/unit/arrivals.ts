/**
 * Waiting on a signal with a deadline, for tests that talk to a real server: every message that
 * arrives is announced on an emitter, and a waiter re-reads what it needs each time (not a test file itself).
 */
import { EventEmitter } from 'node:events';

export class Arrivals extends EventEmitter {
  /** `describe` adds what the test knows on a timeout (the server's stderr). */
  constructor(private readonly describe: () => string = () => '') {
    super();
  }

  /** Call after recording a message. */
  arrived(): void {
    this.emit('message');
  }

  /** Resolves with the probe's first defined answer, already true or after some message to come. */
  waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v === undefined) return;
        clearTimeout(timer);
        this.off('message', check);
        resolve(v);
      };
      const timer = setTimeout(() => { this.off('message', check); reject(new Error(`no ${what} within ${timeoutMs} ms; ${this.describe()}`)); }, timeoutMs);
      this.on('message', check);
      check();
    });
  }
}
