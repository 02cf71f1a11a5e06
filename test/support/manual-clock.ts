import { Clock } from '../../src/common/clock';

/** A clock that only moves when a test moves it. */
export class ManualClock extends Clock {
  private current = Date.now();

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
