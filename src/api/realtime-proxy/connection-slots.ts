/**
 * The realtime connections one instance holds (WebSockets and HTTP streams alike), in total and per client
 * address: MAX_PROXIED_WEBSOCKETS bounds the instance, MAX_PROXIED_WEBSOCKETS_PER_ADDRESS keeps one address
 * (which needs no credentials to open a bare WebSocket) from taking every slot and locking everyone else out.
 */
export type SlotRequest = { release: () => void } | { refused: 'instance' | 'address'; held: number };

export class ConnectionSlots {
  private held = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerAddress: number,
  ) {}

  /** A slot for `address`, or which cap refuses it. `release` may be called more than once. */
  take(address: string): SlotRequest {
    if (this.held >= this.max) return { refused: 'instance', held: this.held };
    const ofAddress = this.byAddress.get(address) ?? 0;
    if (ofAddress >= this.maxPerAddress) return { refused: 'address', held: ofAddress };
    this.held++;
    this.byAddress.set(address, ofAddress + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.held--;
        const left = this.byAddress.get(address)! - 1;
        if (left === 0) this.byAddress.delete(address);
        else this.byAddress.set(address, left);
      },
    };
  }

  /** Connections held by `address` (for tests and logs). */
  heldBy(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }
}
