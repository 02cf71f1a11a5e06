import { Clock } from '../../src/platform/clock';

/** A clock that only moves when a test moves it. */
export class ManualClock extends Clock {
  constructor(private current = Date.now()) {
    super();
  }

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
