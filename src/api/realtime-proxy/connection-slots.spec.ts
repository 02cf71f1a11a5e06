import { ConnectionSlots } from './connection-slots';

describe('ConnectionSlots', () => {
  it('refuses an address at its own cap while other addresses still get slots', () => {
    const slots = new ConnectionSlots(10, 2);
    expect(slots.take('a')).toHaveProperty('release');
    expect(slots.take('a')).toHaveProperty('release');
    expect(slots.take('a')).toEqual({ refused: 'address', held: 2 });
    expect(slots.take('b')).toHaveProperty('release');
  });

  it('refuses everyone at the instance cap, and frees a slot once (release is idempotent)', () => {
    const slots = new ConnectionSlots(2, 2);
    const first = slots.take('a');
    slots.take('b');
    expect(slots.take('c')).toEqual({ refused: 'instance', held: 2 });
    if (!('release' in first)) throw new Error('expected a slot');
    first.release();
    first.release();
    expect(slots.heldBy('a')).toBe(0);
    expect(slots.take('c')).toHaveProperty('release');
    expect(slots.take('d')).toEqual({ refused: 'instance', held: 2 });
  });
});
