import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { isRebalanceError } from './kafka-log-consumer';

/** A commit racing a rebalance must be recognised however kafkajs hands the refusal over (D4). */
describe('isRebalanceError', () => {
  // As kafkajs's retrier builds it: new KafkaJSNonRetriableError(e, { cause: e.cause || e }) (the typings omit the option).
  const gaveUp = (cause: Error) => Object.assign(new KafkaJSNonRetriableError(cause), { cause });
  const protocol = (type: string) => new KafkaJSProtocolError({ type, code: 22, retriable: false, message: 'Specified group generation id is not valid' } as never);

  it('recognises the protocol error itself and the one kafkajs wrapped after giving up retrying it', () => {
    for (const type of ['ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR']) {
      expect(isRebalanceError(protocol(type))).toBe(true);
      const wrapped = protocol(type);
      expect(isRebalanceError(gaveUp(wrapped))).toBe(true);
    }
  });

  it('does not take other failures for a rebalance', () => {
    const other = protocol('TOPIC_AUTHORIZATION_FAILED');
    expect(isRebalanceError(other)).toBe(false);
    expect(isRebalanceError(gaveUp(other))).toBe(false);
    expect(isRebalanceError(new Error('ILLEGAL_GENERATION'))).toBe(false);
    expect(isRebalanceError(null)).toBe(false);
  });
});
