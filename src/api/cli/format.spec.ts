import { changes, table } from './format';

describe('CLI text', () => {
  it('pads every column but the last to its widest cell, under a header line', () => {
    expect(
      table(
        ['ID', 'NAME', 'NOTE'],
        [
          ['1', 'Acme', 'x'],
          ['22', 'B', ''],
        ],
      ),
    ).toEqual(['ID  NAME  NOTE', '1   Acme  x', '22  B']);
  });

  it('shows only the fields an audit entry changed, before → after', () => {
    expect(
      changes({ name: 'A', channels: ['*:a.*'], disabledAt: null }, { name: 'A', channels: ['public:a.*'], disabledAt: '2026-01-01' }),
    ).toBe('channels: ["*:a.*"] → ["public:a.*"]; disabledAt: null → "2026-01-01"');
    expect(changes(null, { name: 'A' })).toBe('created');
    expect(changes({ name: 'A' }, { name: 'A' })).toBe('no change');
  });
});
