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

/** The real time, shifted by an offset a test can change (to mint tokens that expire soon). */
export class ShiftedClock extends Clock {
  offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }
}
