import type { CustomerEvent } from '@kairos/contracts';
import { dataKey } from '../definitions/event-match';
import { hash32 } from './customer-rows';
import { ledgerKey } from './fire-ledger';

/**
 * The partition's state keys (a customer id, or a customer id and dedupe values: `ledgerKey`) numbered once for all
 * triggers. The engine looks an event's key up here once, and every trigger reading the event finds its own row
 * for that number by array index (`CustomerRows.ensureAt`): one map lookup per event instead of one per trigger.
 * Numbers are never reused, so a number a trigger linked before an erasure can never name another key.
 */
export class StateKeys {
  private readonly numbers = new Map<string, number>();
  private next = 0;

  ensure(key: string): number {
    let number = this.numbers.get(key);
    if (number === undefined) {
      number = this.next++;
      this.numbers.set(key, number);
    }
    return number;
  }

  /** Erasure: the customer's keys (its id, and its id with dedupe values) leave the index. */
  forgetCustomer(customerId: string): void {
    this.numbers.delete(customerId);
    const prefix = `${customerId}\u001e`;
    for (const key of this.numbers.keys()) if (key.startsWith(prefix)) this.numbers.delete(key);
  }
}

/** Per signature with dedupe fields: the customer's last dedupe values and their number, by customer number. */
interface DedupeMemo {
  readonly fields: readonly string[];
  values: (string | undefined)[];
  numbers: Int32Array;
}

/**
 * The state keys of the event being evaluated, computed once per event and signature (the dedupe fields a trigger
 * keys its state by) however many triggers read it. A key with dedupe values is found from the customer's number
 * and the values last seen for that customer (the same card again, usually) before building the key string.
 */
export class EventStateKeys {
  private readonly keys = new StateKeys();
  private readonly signatures = new Map<string, number>();
  private readonly memos: (DedupeMemo | null)[] = [];
  private event: CustomerEvent | null = null;
  private idHash = 0;
  private customerNumber = -1;
  private readonly numbers: number[] = [];
  private readonly texts: (string | null)[] = [];

  /** The signature of `fields`; registered once per evaluator, never dropped. */
  signature(fields: readonly string[]): number {
    const joined = fields.join('\u001f');
    let signature = this.signatures.get(joined);
    if (signature === undefined) {
      signature = this.memos.length;
      this.signatures.set(joined, signature);
      this.memos.push(fields.length === 0 ? null : { fields: [...fields], values: [], numbers: new Int32Array(0) });
      this.numbers.push(-1);
      this.texts.push(null);
    }
    return signature;
  }

  number(event: CustomerEvent, signature: number): number {
    this.keyEvent(event);
    let number = this.numbers[signature];
    if (number >= 0) return number;
    const memo = this.memos[signature];
    if (memo === null) number = this.customer(event);
    else {
      const customer = this.customer(event);
      const values = dataKey(event, memo.fields);
      if (memo.values[customer] === values) number = memo.numbers[customer];
      else {
        number = this.keys.ensure(this.key(event, signature));
        if (customer >= memo.numbers.length) memo.numbers = grown(memo.numbers, customer + 1);
        memo.values[customer] = values;
        memo.numbers[customer] = number;
      }
    }
    this.numbers[signature] = number;
    return number;
  }

  key(event: CustomerEvent, signature: number): string {
    this.keyEvent(event);
    let key = this.texts[signature];
    if (key === null) {
      const memo = this.memos[signature];
      key = memo === null ? event.customerId : ledgerKey(event.customerId, dataKey(event, memo.fields));
      this.texts[signature] = key;
    }
    return key;
  }

  /** The 32-bit hash of the event's id (count triggers' redelivery check). */
  eventIdHash(event: CustomerEvent): number {
    this.keyEvent(event);
    return this.idHash;
  }

  /** Erasure: the customer's keys go; a returning customer gets new numbers, so no memo names the old ones. */
  forgetCustomer(customerId: string): void {
    this.keys.forgetCustomer(customerId);
    this.event = null;
  }

  private customer(event: CustomerEvent): number {
    if (this.customerNumber < 0) this.customerNumber = this.keys.ensure(event.customerId);
    return this.customerNumber;
  }

  private keyEvent(event: CustomerEvent): void {
    if (this.event === event) return;
    this.event = event;
    this.idHash = hash32(event.id);
    this.customerNumber = -1;
    this.numbers.fill(-1);
    this.texts.fill(null);
  }
}

function grown(column: Int32Array, atLeast: number): Int32Array {
  const next = new Int32Array(Math.max(64, 2 * column.length, atLeast));
  next.set(column);
  return next;
}
